package dev.bountymarket.process;

import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What this process does, when several run one marketplace (see docs/architecture.md, "Several servers"). */
@ConfigMapping(prefix = "process")
public interface ProcessConfig {

    /** A part of the marketplace a process may run. */
    enum Role {
        /** The pages and the API (a load balancer may send any request to any process with this role). */
        WEB,
        /**
         * A candidate for the roles one process at a time runs, elected through the database: the indexer
         * ({@code indexer.enabled}) and the keeper ({@code keeper.enabled}).
         */
        LEADER,
        /** Evaluation workers ({@code evaluator.workers} threads) leasing jobs from the queue. */
        WORKER
    }

    /**
     * The roles of this process, comma-separated: {@code web}, {@code leader}, {@code worker}. Every role by default
     * (one process runs everything, as {@code ./run} does); a web tier runs {@code web,leader}, an evaluation machine
     * {@code worker}. A process without {@code web} answers only {@code /q/health} and {@code /q/metrics}.
     */
    @WithDefault("web,leader,worker")
    Set<Role> roles();
}
