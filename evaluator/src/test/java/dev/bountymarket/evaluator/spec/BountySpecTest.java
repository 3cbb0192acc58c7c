package dev.bountymarket.evaluator.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.report.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BountySpecTest {
    private static final String EXAMPLE = """
            {
              "version": 1,
              "task": "binary_classification",
              "metric": "roc_auc",
              "classes": ["no", "yes"],
              "input": {"kind": "tabular", "name": "input", "features": ["f00", "f01", "f02"]},
              "label": {"column": "label"},
              "output": {"kind": "probabilities"}
            }
            """;

    @Test
    void canonicalFormSortsKeysAndSpellsOutDefaults() throws Exception {
        BountySpec spec = BountySpec.parse(EXAMPLE);
        assertEquals("{\"classes\":[\"no\",\"yes\"],\"input\":{\"features\":[\"f00\",\"f01\",\"f02\"],\"kind\":\"tabular\","
                + "\"name\":\"input\"},\"label\":{\"column\":\"label\"},\"liveBoard\":{\"scoringsPerDay\":5,"
                + "\"sharePercent\":20},\"metric\":\"roc_auc\",\"output\":{\"kind\":"
                + "\"probabilities\",\"shape\":\"[N,C]\"},\"task\":\"binary_classification\",\"version\":1}",
                spec.canonicalJson());
        assertEquals(Hashes.keccak256(spec.canonicalJson().getBytes(StandardCharsets.UTF_8)), spec.hash());
        assertTrue(spec.hash().matches("0x[0-9a-f]{64}"));
    }

    @Test
    void liveBoardTermsAreReadWithDefaultsAndLimits() throws Exception {
        String withTerms = EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"liveBoard\": {\"sharePercent\": 30,"
                + " \"scoringsPerDay\": 2},");
        BountySpec spec = BountySpec.parse(withTerms);
        assertEquals(new LiveBoardSpec(30, 2), spec.liveBoard());
        assertTrue(!spec.hash().equals(BountySpec.parse(EXAMPLE).hash()), "the terms are bound by the spec's hash");
        assertEquals(LiveBoardSpec.DEFAULTS, BountySpec.parse(EXAMPLE).liveBoard());
        assertEquals(BountySpec.parse(EXAMPLE).hash(), BountySpec.parse(EXAMPLE.replace("\"version\": 1,",
                "\"version\": 1, \"liveBoard\": {},")).hash(), "the defaults spelled out or not");
        assertInvalid(EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"liveBoard\": {\"sharePercent\": 80},"),
                "spec.liveBoard.sharePercent 80 is outside 5 to 50");
        assertInvalid(EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"liveBoard\": {\"scoringsPerDay\": 0},"),
                "spec.liveBoard.scoringsPerDay 0 is outside 1 to 100");
        assertInvalid(EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"liveBoard\": {\"share\": 20},"),
                "spec.liveBoard.share is not a field");
    }

    @Test
    void specsThatMeanTheSameThingHashTheSame() throws Exception {
        String reordered = "{\"output\":{\"shape\":\"[N,C]\",\"kind\":\"probabilities\"},\"version\":1,"
                + "\"label\":{\"column\":\"label\"},\"metric\":\"roc_auc\",\"task\":\"binary_classification\","
                + "\"input\":{\"features\":[\"f00\",\"f01\",\"f02\"],\"name\":\"input\",\"kind\":\"tabular\"},"
                + "\"classes\":[\"no\",\"yes\"]}";
        assertEquals(BountySpec.parse(EXAMPLE).hash(), BountySpec.parse(reordered).hash());
        String otherFeatureOrder = EXAMPLE.replace("\"f00\", \"f01\"", "\"f01\", \"f00\"");
        assertTrue(!BountySpec.parse(EXAMPLE).hash().equals(BountySpec.parse(otherFeatureOrder).hash()));
    }

    @Test
    void imageSpecDecimalsAreCanonicalised() throws Exception {
        BountySpec a = BountySpec.parse(Specs.imageJson(32));
        BountySpec b = BountySpec.parse(Specs.imageJson(32).replace("[0.5, 0.5, 0.5]", "[0.50, 5e-1, 0.500]"));
        assertEquals(a.canonicalJson(), b.canonicalJson());
        assertTrue(a.canonicalJson().contains("\"mean\":[0.5,0.5,0.5]"));
        assertTrue(a.canonicalJson().contains("\"resize\":\"bilinear\""));
        assertEquals(List.of(-1L, 3L, 32L, 32L), java.util.Arrays.stream(a.input().shape()).boxed().toList());
    }

    private static void assertInvalid(String json, String messagePart) {
        EvaluationException e = assertThrows(EvaluationException.class, () -> BountySpec.parse(json));
        assertEquals(ErrorCode.INVALID_SPEC, e.code());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void invalidSpecsAreRejectedNamingTheField() {
        assertInvalid("{", "not valid JSON");
        assertInvalid(EXAMPLE.replace("\"version\": 1", "\"version\": 2"), "spec.version 2 is not supported");
        assertInvalid(EXAMPLE.replace("\"roc_auc\"", "\"rmse\""), "does not apply to task binary_classification");
        assertInvalid(EXAMPLE.replace("[\"no\", \"yes\"]", "[\"a\", \"b\", \"c\"]"), "exactly 2 classes");
        assertInvalid(EXAMPLE.replace("\"kind\": \"probabilities\"", "\"kind\": \"labels\""),
                "roc_auc needs probabilities or logits");
        assertInvalid(EXAMPLE.replace("\"label\": {\"column\": \"label\"}", "\"label\": {\"column\": \"label\", \"extra\": 1}"),
                "spec.label.extra is not a field");
        assertInvalid(EXAMPLE.replace("\"f02\"", "\"f01\""), "features has duplicates");
        assertInvalid(EXAMPLE.replace("\"features\": [", "\"features\": [\"label\", "), "also a feature column");
        assertInvalid(EXAMPLE.replace("\"task\": \"binary_classification\"", "\"task\": \"ranking\""), "spec.task 'ranking'");
        assertInvalid(EXAMPLE.replace("\"version\": 1,", "\"version\": 1, \"version\": 1,"), "not valid JSON");
    }

    @Test
    void metricDirectionsAndApplicability() {
        assertTrue(MetricName.ROC_AUC.higherIsBetter());
        assertTrue(!MetricName.LOG_LOSS.higherIsBetter());
        assertTrue(!MetricName.RMSE.higherIsBetter());
        assertEquals(List.of(MetricName.RMSE, MetricName.MAE, MetricName.R2),
                MetricName.reportedFor(Task.REGRESSION, OutputKind.VALUES));
        assertEquals(List.of(MetricName.ACCURACY, MetricName.BALANCED_ACCURACY, MetricName.MACRO_F1),
                MetricName.reportedFor(Task.MULTICLASS_CLASSIFICATION, OutputKind.LABELS));
    }
}
