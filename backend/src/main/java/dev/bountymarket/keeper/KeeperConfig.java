package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The keeper: the platform's evaluator account, which posts results, reveals test sets and pays out bounties. */
@ConfigMapping(prefix = "keeper")
public interface KeeperConfig {

    /**
     * Private key (hex) of the platform's evaluator account. New bounties name its address as their evaluator. Without
     * it the keeper does nothing and bounties cannot be drafted here.
     */
    Optional<String> privateKey();

    /** Run the keeper on a schedule. Tests drive it step by step. */
    @WithDefault("true")
    boolean enabled();

    /** Time between keeper rounds. */
    @WithDefault("5s")
    Duration interval();

    /** Recent blocks whose fees (eth_feeHistory) price a transaction. */
    @WithDefault("10")
    int feeHistoryBlocks();

    /** Percentile of the tips paid in those blocks that the keeper's tip matches (0 to 100). */
    @WithDefault("50")
    double tipPercentile();

    /** The least tip (wei per gas), for blocks that paid none. */
    @WithDefault("1000000")
    BigInteger minTip();

    /** The max fee is the next block's base fee times this, plus the tip: room for the base fee to rise. */
    @WithDefault("2")
    int baseFeeMultiplier();

    /**
     * The most the keeper ever offers per gas (wei), its own tip included; when absent, the network profile's fee
     * ceiling (networks.json {@code feeCeilingGwei}; 100 gwei on a chain without a profile).
     */
    Optional<BigInteger> maxFeePerGas();

    /** Blocks a transaction may go unmined before it is replaced with higher fees. */
    @WithDefault("3")
    int replaceAfterBlocks();

    /** How much a replacement raises the tip and the max fee, in percent: nodes refuse less (geth and anvil: 10). */
    @WithDefault("10")
    int replacementBumpPercent();
}
