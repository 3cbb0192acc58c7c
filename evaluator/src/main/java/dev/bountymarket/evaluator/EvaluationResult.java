package dev.bountymarket.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Report;

/**
 * A finished evaluation: the canonical report (hashed), and outside it the device it ran on and timings.
 * The device stays out of the hashed bytes so that a CPU re-run gets the hash of a GPU run.
 */
public record EvaluationResult(Report report, String device, Timings timings) {
    private static final JsonMapper MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    public String reportHash() {
        return report.hash();
    }

    /** {@code {"device":..,"report":{..},"reportHash":"0x..","timings":{..}}} with the report in canonical form. */
    public String envelopeJson() {
        ObjectNode root = CanonicalJson.NODES.objectNode();
        root.put("device", device);
        root.set("report", report.json());
        root.put("reportHash", report.hash());
        ObjectNode t = root.putObject("timings");
        t.put("totalMillis", timings.totalMillis());
        t.put("firstBatchEpochMillis", timings.firstBatchEpochMillis());
        t.put("peakHeapBytes", timings.peakHeapBytes());
        t.put("rows", timings.rows());
        return CanonicalJson.string(root);
    }

    /** Reads {@link #envelopeJson()} back; the report hash is recomputed and must match the stated one. */
    public static EvaluationResult fromEnvelope(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a result envelope: " + e.getOriginalMessage(), e);
        }
        Report report = Report.parse(json);
        String stated = root.path("reportHash").asText();
        if (!report.hash().equals(stated)) {
            throw new IllegalArgumentException("the envelope's reportHash " + stated
                    + " is not the hash of its report " + report.hash());
        }
        JsonNode t = root.path("timings");
        Timings timings = new Timings(t.path("totalMillis").asLong(), t.path("firstBatchEpochMillis").asLong(),
                t.path("peakHeapBytes").asLong(), t.path("rows").asLong());
        return new EvaluationResult(report, root.path("device").asText(), timings);
    }
}
