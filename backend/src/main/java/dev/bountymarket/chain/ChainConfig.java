package dev.bountymarket.chain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The chain the marketplace runs on and its contract. Environment variables: CHAIN_RPC_URL and so on. */
@ConfigMapping(prefix = "chain")
public interface ChainConfig {

    /** JSON-RPC URL of the chain, when {@link #rpcUrls()} is not set. */
    @WithDefault("http://127.0.0.1:8545")
    String rpcUrl();

    /**
     * JSON-RPC URLs of the chain (CHAIN_RPC_URLS, comma-separated), asked in this order with failover and backoff
     * (see {@link RpcProviders}); when set, {@link #rpcUrl()} is not used by the server's calls.
     */
    Optional<List<String>> rpcUrls();

    /**
     * Timeout of one JSON-RPC attempt at one provider (to connect, to send, and between bytes of the answer); a call
     * that fails over may take one such wait per provider.
     */
    @WithDefault("10s")
    Duration rpcTimeout();

    /** How long a provider that failed is skipped; doubled with each failure in a row, up to rpc-max-backoff. */
    @WithDefault("1s")
    Duration rpcBackoff();

    /** The longest a failing provider is skipped (a 429's Retry-After may ask for longer, up to an hour). */
    @WithDefault("5m")
    Duration rpcMaxBackoff();

    /**
     * Whether the indexer follows the chain's {@code finalized} block (JSON-RPC block tag) instead of the head less
     * {@link #confirmations()}; when absent, the network profile's {@code finalizedTag} (networks.json).
     */
    Optional<Boolean> finalizedTag();

    /** How often the chain's head (its time, and whether the node answers) is read in the background. */
    @WithDefault("1s")
    Duration watchInterval();

    /**
     * A node that has not answered for this long is taken as not answering: readiness says DOWN and requests that need
     * the chain fail at once. Also the timeout of the background read itself.
     */
    @WithDefault("3s")
    Duration unansweredAfter();

    /**
     * Blocks that must follow an event's block before the indexer takes the event as final; when absent, the network
     * profile's (networks.json; 0 on the local chain and on a chain without a profile).
     */
    OptionalInt confirmations();

    /** Address of a deployed BountyMarket to use; when absent, the deployment file's, else the one recorded in the database. */
    Optional<String> contractAddress();

    /**
     * The deployment record written by solidity/scripts/record-deployment.js after the deploy script (chain id, address,
     * block, transaction): the contract to use when no address is configured. Refused if it is for another chain.
     */
    Optional<Path> deploymentFile();

    /** Deploy the contract when none is recorded for this chain. The run command turns it on for its local chain. */
    @WithDefault("false")
    boolean autoDeploy();

    /** Private key (hex) that deploys the contract when auto-deploy is on. */
    Optional<String> deployerKey();

    /** Treasury that receives the protocol fee, set at deployment; the deployer when absent. */
    Optional<String> treasury();

    /** Protocol fee in basis points of each paid reward, set at deployment. */
    @WithDefault("0")
    int protocolFeeBps();

    /** Print the chain's funded dev accounts at start (the local chain only: their keys are public). */
    @WithDefault("false")
    boolean devAccounts();
}
