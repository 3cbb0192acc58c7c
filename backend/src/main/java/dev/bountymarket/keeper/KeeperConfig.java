package dev.bountymarket.keeper;

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
}
