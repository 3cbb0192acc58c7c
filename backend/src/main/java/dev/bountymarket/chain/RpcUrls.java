package dev.bountymarket.chain;

import java.net.URI;
import java.util.List;

/**
 * A chain's JSON-RPC URL often carries a provider's API key (in its path, query or user info): only its host is ever
 * shown outside the server's configuration.
 */
public final class RpcUrls {

    private RpcUrls() {
    }

    /** host[:port] of the URL, nothing else. */
    public static String host(String rpcUrl) {
        try {
            URI uri = URI.create(rpcUrl.strip());
            if (uri.getHost() == null) {
                return "(not a URL)";
            }
            return uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException | NullPointerException e) {
            return "(not a URL)";
        }
    }

    /** The message with the URL, wherever it appears, replaced by its host. */
    public static String redact(String message, String rpcUrl) {
        if (message == null || rpcUrl == null || rpcUrl.isBlank()) {
            return message;
        }
        return message.replace(rpcUrl, host(rpcUrl));
    }

    /** The JSON-RPC URLs the server uses, in order: chain.rpc-urls when set, else chain.rpc-url alone. */
    public static List<String> configured(ChainConfig config) {
        return config.rpcUrls().filter(urls -> !urls.isEmpty()).map(List::copyOf).orElseGet(() -> List.of(config.rpcUrl()));
    }

    /** The message with each URL, wherever it appears, replaced by its host. */
    public static String redact(String message, List<String> rpcUrls) {
        String redacted = message;
        for (String url : rpcUrls) {
            redacted = redact(redacted, url);
        }
        return redacted;
    }
}
