package dev.bountymarket.web;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.web3j.protocol.Web3j;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainWatch;
import dev.bountymarket.keeper.KeeperSender;

/**
 * The built-in wallet of the local dev chain: the chain's own unlocked accounts, which anvil signs for, offered to the
 * browser so that a newcomer can try every flow without a wallet extension. It exists only where both hold: the run
 * command marked the chain as its local one ({@code chain.dev-accounts}) and the chain says it is a dev chain (chain id
 * 31337). Any other chain has no unlocked accounts to offer, and the check is made on every request (against the
 * chain id {@link ChainWatch} read in the last seconds).
 */
@ApplicationScoped
public class DevWallet {

    public static final long DEV_CHAIN_ID = 31337;
    /** As many as the start-up banner lists. */
    static final int ACCOUNTS = 5;

    @Inject
    ChainConfig config;

    @Inject
    ChainWatch watch;

    @Inject
    Web3j web3j;

    @Inject
    KeeperSender keeper;

    public boolean available() {
        if (!config.devAccounts()) {
            return false;
        }
        // The chain id the node reported within the last seconds, read in the background: not a call per request.
        return watch.chainId().orElse(-1) == DEV_CHAIN_ID;
    }

    /** The accounts the chain signs for (eth_accounts), less the platform's keeper; empty when unavailable. */
    public List<String> accounts() {
        if (!available()) {
            return List.of();
        }
        String keeperAddress = keeper.account().map(a -> a.getAddress().toLowerCase(Locale.ROOT)).orElse("");
        try {
            return web3j.ethAccounts().send().getAccounts().stream().map(a -> a.toLowerCase(Locale.ROOT))
                    .filter(a -> !a.equals(keeperAddress)).limit(ACCOUNTS).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public boolean owns(String address) {
        return address != null && accounts().contains(address.toLowerCase(Locale.ROOT));
    }
}
