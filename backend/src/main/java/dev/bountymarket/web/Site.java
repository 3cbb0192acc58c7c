package dev.bountymarket.web;

import dev.bountymarket.chain.Network;

/**
 * What every page's layout needs: who is signed in (and their CSRF token for changes), the chain the wallet must be
 * on (with what wallet_addEthereumChain needs: name, public RPC URL, currency, explorer), the chain's time for
 * countdowns, and whether the dev wallet is offered.
 *
 * @param explorerUrl the network's block explorer without a trailing slash, or null when it has none
 */
public record Site(String viewer, String csrfToken, Long chainId, String contract, String chainName, String rpcUrl, long chainNow,
        int confirmations, boolean devWallet, String explorerUrl, Network.Currency currency, String chainProblem) {

    /** For pages rendered outside a request's context (a path nothing answers): nobody signed in, no chain facts. */
    public static Site anonymous() {
        return new Site(null, null, null, null, "", "", 0, 0, false, null, Network.Currency.ETHER, null);
    }

    public boolean signedIn() {
        return viewer != null;
    }

    /** Whether the signed-in viewer is this address. */
    public boolean is(String address) {
        return viewer != null && address != null && viewer.equalsIgnoreCase(address);
    }
}
