package dev.bountymarket.evaluator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The canonical evaluation report: a JSON object whose canonical bytes are hashed into {@code reportHash}.
 * Immutable. The format is described in docs/metrics.md and evaluator/README.md.
 */
public final class Report {
    /** The report format version, written as {@code reportVersion}. */
    public static final int VERSION = 1;

    static final JsonMapper MAPPER = JsonMapper.builder()
            .nodeFactory(CanonicalJson.NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final ObjectNode json;
    private final String canonical;
    private final String hash;

    Report(ObjectNode json) {
        this.json = json.deepCopy();
        this.canonical = CanonicalJson.string(json);
        this.hash = Hashes.keccak256(canonical.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a report, or the envelope {@code {"report": ..., "reportHash": ..., "device": ...}} that
     * {@code evaluate} prints, and re-derives its canonical form.
     */
    public static Report parse(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node != null && node.has("report") && node.get("report").isObject()) {
            node = node.get("report");
        }
        if (node == null || !node.isObject() || !node.has("reportVersion")) {
            throw new IllegalArgumentException("not an evaluation report (no reportVersion field)");
        }
        return new Report((ObjectNode) node);
    }

    /** A copy of the report tree. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** The bytes that are hashed, as a string (UTF-8). */
    public String canonicalJson() {
        return canonical;
    }

    /** keccak256 of {@link #canonicalJson()}'s UTF-8 bytes, 0x-prefixed. */
    public String hash() {
        return hash;
    }

    /** The primary metric times 1e6, rounded half-even: the on-chain score. */
    public long score() {
        return json.path("score").asLong();
    }

    public String metric() {
        return json.path("metric").asText();
    }

    /** Every metric as its 6-decimal string; null where the metric is undefined on this test set. */
    public Map<String, String> metrics() {
        Map<String, String> values = new LinkedHashMap<>();
        JsonNode metrics = json.path("metrics");
        for (Iterator<String> it = metrics.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            JsonNode value = metrics.get(name);
            values.put(name, value.isNull() ? null : value.asText());
        }
        return values;
    }

    public long rows() {
        return json.path("rows").asLong();
    }

    public String specHash() {
        return json.path("specHash").asText();
    }

    public String modelSha256() {
        return json.path("modelSha256").asText();
    }

    public String testSetSha256() {
        return json.path("testSetSha256").asText();
    }

    public String evaluatorVersion() {
        return json.path("evaluatorVersion").asText();
    }

    @Override
    public String toString() {
        return canonical;
    }
}
