package dev.bountymarket.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the site is reached, and what the web pages tell the browser's wallet about the chain. */
@ConfigMapping(prefix = "web")
public interface WebConfig {

    /** Name of the chain, shown in the wallet when the page asks it to add the chain. */
    @WithDefault("Bounty market chain")
    String chainName();

    /**
     * The address users open the site at (for example https://bounties.example.com), behind a proxy or TLS terminator:
     * sign-in messages name it and changes from browsers must come from it. When absent, the address the server
     * listens at, as the browser named it; on a loopback or all-interfaces listener both localhost and 127.0.0.1.
     */
    Optional<String> publicUrl();

    /**
     * JSON-RPC URL of the chain that users' wallets may be given when they do not know the chain yet. Public: never a
     * URL with a provider's API key. When absent, pages offer none (the run command sets it to its local chain).
     */
    Optional<String> publicRpcUrl();

    /** Block explorer page of a transaction, with {hash} in place of its hash (for example https://etherscan.io/tx/{hash}). */
    Optional<String> explorerTxUrl();
}
