package dev.bountymarket.chain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The network profiles of networks.json (Ethereum, Base, Arbitrum, Optimism, their Sepolia testnets, the local anvil):
 * one file, read once at start; a broken entry stops start-up with its chain id and field.
 */
@ApplicationScoped
public class Networks {

    static final String RESOURCE = "networks.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Map<Long, Network> byChainId;

    @Inject
    ChainConfig config;

    Networks() {
        this(builtInProfiles());
    }

    private Networks(Map<Long, Network> byChainId) {
        this.byChainId = byChainId;
    }

    /** The profiles packaged with the server. */
    public static Networks builtIn() {
        return new Networks(builtInProfiles());
    }

    /** Profiles from a JSON array; {@code source} names it in errors. */
    public static Networks load(InputStream json, String source) {
        return new Networks(parse(json, source));
    }

    public List<Network> all() {
        return List.copyOf(byChainId.values());
    }

    public Optional<Network> byChainId(long chainId) {
        return Optional.ofNullable(byChainId.get(chainId));
    }

    /** The chain's profile, or a plain one named by its id for a chain we have none for. */
    public Network profileFor(long chainId) {
        return byChainId(chainId).orElseGet(() -> Network.unknown(chainId));
    }

    /** A profile for when the chain id is not known yet (the chain does not answer). */
    public static Network unknownChain() {
        return new Network(0, "the chain", Network.Currency.ETHER, 12_000, 0, BigDecimal.valueOf(100), Optional.empty(),
                List.of(), false);
    }

    /** Blocks that make an event final on this chain: chain.confirmations when set, else the profile's. */
    public int confirmations(long chainId) {
        return config.confirmations().orElseGet(() -> profileFor(chainId).confirmations());
    }

    /**
     * Whether the indexer follows the {@code finalized} block on this chain: chain.finalized-tag when set, else the
     * profile's.
     */
    public boolean finalizedTag(long chainId) {
        return config.finalizedTag().orElseGet(() -> profileFor(chainId).finalizedTag());
    }

    private static Map<Long, Network> builtInProfiles() {
        try (InputStream json = Networks.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (json == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return parse(json, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<Long, Network> parse(InputStream input, String source) {
        JsonNode array;
        try {
            array = JSON.readTree(input);
        } catch (IOException e) {
            throw new IllegalStateException(source + " is not JSON: " + e.getMessage(), e);
        }
        if (!array.isArray()) {
            throw new IllegalStateException(source + " must be a JSON array of network profiles");
        }
        Map<Long, Network> networks = new LinkedHashMap<>();
        for (JsonNode entry : array) {
            Network network = network(entry, source);
            if (networks.put(network.chainId(), network) != null) {
                throw new IllegalStateException(source + " has chain " + network.chainId() + " twice");
            }
        }
        return networks;
    }

    private static Network network(JsonNode entry, String source) {
        String where = source + ", chain " + entry.path("chainId").asText("?");
        JsonNode currency = entry.path("nativeCurrency");
        if (!currency.isObject()) {
            throw new IllegalStateException(where + ": nativeCurrency is missing");
        }
        List<String> rpcUrls = new ArrayList<>();
        entry.path("rpcUrls").forEach(url -> rpcUrls.add(url.asText()));
        JsonNode finalized = entry.path("finalizedTag");
        if (!finalized.isMissingNode() && !finalized.isBoolean()) {
            throw new IllegalStateException(where + ": finalizedTag must be true or false");
        }
        String explorer = entry.path("explorerUrl").isTextual() ? entry.path("explorerUrl").asText() : null;
        if (explorer != null && !explorer.matches("https?://[^\\s\"<>]+[^/]")) {
            throw new IllegalStateException(where + ": explorerUrl must be an http(s) URL without a trailing slash");
        }
        return new Network(whole(entry, "chainId", where), text(entry, "name", where),
                new Network.Currency(text(currency, "name", where), text(currency, "symbol", where),
                        (int) whole(currency, "decimals", where)),
                whole(entry, "blockTimeMs", where), (int) whole(entry, "confirmations", where),
                decimal(entry, "feeCeilingGwei", where), Optional.ofNullable(explorer), List.copyOf(rpcUrls),
                finalized.asBoolean(false));
    }

    private static long whole(JsonNode node, String field, String where) {
        if (!node.path(field).canConvertToExactIntegral() || node.path(field).asLong() < 0) {
            throw new IllegalStateException(where + ": " + field + " must be a whole number");
        }
        return node.path(field).asLong();
    }

    private static BigDecimal decimal(JsonNode node, String field, String where) {
        if (!node.path(field).isNumber() || node.path(field).decimalValue().signum() <= 0) {
            throw new IllegalStateException(where + ": " + field + " must be a positive number");
        }
        return node.path(field).decimalValue();
    }

    private static String text(JsonNode node, String field, String where) {
        if (!node.path(field).isTextual() || node.path(field).asText().isBlank()) {
            throw new IllegalStateException(where + ": " + field + " is missing");
        }
        return node.path(field).asText();
    }
}
