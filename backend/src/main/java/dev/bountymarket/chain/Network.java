package dev.bountymarket.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A network's profile (networks.json): what the server and the pages need to know about a chain beyond its RPC URL.
 *
 * @param blockTimeMs the usual time between blocks
 * @param confirmations blocks after an event's block before the indexer takes it as final, unless chain.confirmations
 *        says otherwise
 * @param feeCeilingGwei the most the keeper pays per gas (max fee per gas), in gwei
 * @param explorerUrl the block explorer, without a trailing slash: {url}/tx/{hash} and {url}/address/{address}
 * @param rpcUrls public JSON-RPC URLs (no API key) a wallet may be given to add the chain
 * @param finalizedTag whether the chain's nodes answer the {@code finalized} block tag: the indexer then follows the
 *        finalized block instead of the head less {@code confirmations}, unless chain.finalized-tag says otherwise
 */
public record Network(long chainId, String name, Currency nativeCurrency, long blockTimeMs, int confirmations,
        BigDecimal feeCeilingGwei, Optional<String> explorerUrl, List<String> rpcUrls, boolean finalizedTag) {

    private static final BigDecimal WEI_PER_GWEI = BigDecimal.TEN.pow(9);

    /** The chain's own coin, as EIP-3085 (wallet_addEthereumChain) describes it. */
    public record Currency(String name, String symbol, int decimals) {
        public static final Currency ETHER = new Currency("Ether", "ETH", 18);
    }

    /** A chain without a profile: named by its id, ether, no explorer, no confirmations. */
    static Network unknown(long chainId) {
        return new Network(chainId, "Chain " + chainId, Currency.ETHER, 12_000, 0, BigDecimal.valueOf(100),
                Optional.empty(), List.of(), false);
    }

    public BigInteger feeCeilingWei() {
        return feeCeilingGwei.multiply(WEI_PER_GWEI).toBigInteger();
    }

    public Optional<String> txUrl(String hash) {
        return explorerUrl.map(url -> url + "/tx/" + hash);
    }

    public Optional<String> addressUrl(String address) {
        return explorerUrl.map(url -> url + "/address/" + address);
    }
}
