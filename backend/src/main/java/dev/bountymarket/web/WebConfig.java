package dev.bountymarket.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the web pages tell the browser's wallet about the chain. */
@ConfigMapping(prefix = "web")
public interface WebConfig {

    /** Name of the chain, shown in the wallet when the page asks it to add the chain. */
    @WithDefault("Bounty market chain")
    String chainName();

    /** JSON-RPC URL a user's wallet can reach, offered when the wallet does not know the chain; chain.rpc-url when absent. */
    Optional<String> publicRpcUrl();

    /** Block explorer page of a transaction, with {hash} in place of its hash (for example https://etherscan.io/tx/{hash}). */
    Optional<String> explorerTxUrl();
}
