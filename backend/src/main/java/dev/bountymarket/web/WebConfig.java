package dev.bountymarket.web;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the site is reached, and what the web pages tell the browser's wallet about the chain. */
@ConfigMapping(prefix = "web")
public interface WebConfig {

    /** Name of the chain, shown in pages and in the wallet when the page asks it to add the chain; the network profile's when absent. */
    Optional<String> chainName();

    /**
     * The address users open the site at (for example https://bounties.example.com), behind a proxy or TLS terminator:
     * sign-in messages name it and changes from browsers must come from it. When absent, the address the server
     * listens at, as the browser named it; on a loopback or all-interfaces listener both localhost and 127.0.0.1.
     */
    Optional<String> publicUrl();

    /**
     * JSON-RPC URL of the chain that users' wallets may be given when they do not know the chain yet. Public: never a
     * URL with a provider's API key. When absent, the network profile's first public URL, if any (the run command sets
     * it to its local chain).
     */
    Optional<String> publicRpcUrl();

    /**
     * Block explorer the pages link transactions ({url}/tx/{hash}) and addresses ({url}/address/{address}) to, without
     * a trailing slash; the network profile's when absent.
     */
    Optional<String> explorerUrl();

    /**
     * The platform's arbiter (a multisig in practice), proposed to sponsors in the bounty form; they may name another.
     * When absent the form names none, and each sponsor must.
     */
    Optional<String> defaultArbiter();
}
