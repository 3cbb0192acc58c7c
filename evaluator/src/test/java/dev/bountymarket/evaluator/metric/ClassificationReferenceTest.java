package dev.bountymarket.evaluator.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.report.Decimals;
import dev.bountymarket.evaluator.spec.MetricName;
import dev.bountymarket.evaluator.spec.OutputKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ROC-AUC and log-loss against values computed outside the evaluator. The table below is the output of
 * {@code /usr/bin/python3 evaluator/src/test/python/metric_reference.py} (Debian bookworm's python3-sklearn
 * 1.2.1 and python3-numpy 1.24.2): AUC is scikit-learn's {@code roc_auc_score} on the raw scores that
 * docs/metrics.md defines, log-loss the formula of docs/metrics.md in plain Python doubles. Python is not
 * needed to run this test; rerun the script and paste its output when a case changes.
 */
class ClassificationReferenceTest {
    /** Both sides count the same pairs; what is left is the rounding of scikit-learn's trapezoid sum. */
    private static final double AUC_TOLERANCE = 1e-12;
    /** Math.log and Math.exp may differ from Python's libm in the last bit. */
    private static final double LOG_LOSS_TOLERANCE = 1e-12;

    /** One model's outputs on a test set: {@code width} values per row, row-major. */
    record Case(String name, OutputKind kind, int classes, int width, int[] labels, double[] outputs,
            double rocAuc, double logLoss) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** float32 outputs, widened to double as BatchTranslator widens ONNX Runtime's floats. */
    private static double[] f32(float... values) {
        double[] widened = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = values[i];
        }
        return widened;
    }

    static List<Case> cases() {
        return List.of(
                new Case("saturated binary probabilities, one column", OutputKind.PROBABILITIES, 2, 1,
                        new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                        new double[] {1.0, 1.0, 0.9999999999999999, 0.9999999999999997, 0.9999999999999993,
                                0.9999999999999991, 0.99999999, 0.97, 0.6, 3e-16, 0.0, 0.0, 0.0, 0.0, 1e-300, 2e-20,
                                7e-16, 4e-12, 0.01, 0.35, 0.9999999999999996, 0.9999999999999992, 1.0},
                        0.7386363636363636, 7.551234733045419),
                new Case("multiclass float32 probabilities with exact zeros", OutputKind.PROBABILITIES, 4, 4,
                        new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3},
                        f32(0.7f, 0.3f, 0.0f, 0.0f, 0.9f, 0.0f, 0.1f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.2f, 0.2f, 0.3f,
                                0.3f, 0.1f, 0.9f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.3f, 0.3f, 0.4f, 0.0f, 0.0f,
                                0.6f, 0.0f, 0.4f, 0.0f, 0.0f, 1.0f, 0.0f, 0.1f, 0.2f, 0.7f, 0.0f, 0.0f, 0.3f, 0.3f,
                                0.4f, 0.6f, 0.0f, 0.4f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.1f, 0.0f, 0.0f, 0.9f, 0.0f,
                                0.7f, 0.0f, 0.3f, 0.05f, 0.15f, 0.1f, 0.7f),
                        0.9505208333333333, 0.5021611920272994),
                new Case("binary logits, one column", OutputKind.LOGITS, 2, 1,
                        new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                        new double[] {60.0, 45.0, 38.0, 37.5, 36.0, 12.0, 0.5, -3.0, -36.0, -50.0, 50.0, 40.0, 37.0,
                                2.0, -0.0, -4.0, -35.0, -40.0, -60.0, -800.0},
                        0.65, 8.952858818315601),
                new Case("binary logits, two columns", OutputKind.LOGITS, 2, 2,
                        new int[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
                        new double[] {0.0, 40.0, -10.0, 30.0, 3.0, 2.0, -20.0, 25.0, 5.0, 5.5, 40.0, 0.0, 1.0, 38.0,
                                0.0, 0.0, 2.0, 44.0, -1.0, -3.0},
                        0.7200000000000001, 7.168496665312263),
                new Case("multiclass logits", OutputKind.LOGITS, 3, 3,
                        new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2},
                        new double[] {40.0, 0.0, -5.0, 35.0, 1.0, 0.0, 3.0, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 39.0, 0.0,
                                0.0, 50.0, 10.0, -2.0, 38.0, 0.0, 1.0, 2.0, 0.5, 2.0, 1.0, 0.0, 36.0, 0.0, 0.0, 0.0,
                                0.0, 45.0, 5.0, 3.0, 60.0, 0.3, 0.1, 0.2, 1.0, 0.0, 0.9, 0.0, 0.0, 37.0},
                        0.8333333333333334, 5.036659889380946),
                new Case("ties, including -0.0 and 0.0", OutputKind.PROBABILITIES, 2, 1,
                        new int[] {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1},
                        new double[] {0.8, 0.8, 0.8, 0.5, 0.5, 0.5, 0.0, -0.0, 1.0, 0.2, 0.2, 0.2},
                        0.6527777777777779, 3.3941389972262965),
                new Case("log-loss bound, one column certain and wrong", OutputKind.PROBABILITIES, 2, 1,
                        new int[] {0, 0},
                        new double[] {1.0, 1.0},
                        Double.NaN, 34.53957599234088),
                new Case("log-loss bound, unnormalised rows", OutputKind.PROBABILITIES, 3, 3,
                        new int[] {2, 2},
                        new double[] {1.0, 1.0, 0.0, 1.0, 1.0, 0.0},
                        Double.NaN, 35.23192357547063));
    }

    private static Map<MetricName, Double> evaluate(Case c) {
        ClassificationMetrics metrics = new ClassificationMetrics(c.classes(), c.kind());
        for (int i = 0; i < c.labels().length; i++) {
            metrics.add(c.labels()[i], c.outputs(), i * c.width(), c.width());
        }
        return metrics.finish().values();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheIndependentlyComputedValues(Case c) {
        Map<MetricName, Double> values = evaluate(c);
        if (Double.isNaN(c.rocAuc())) {
            assertTrue(Double.isNaN(values.get(MetricName.ROC_AUC)), "roc_auc is undefined with one class");
        } else {
            assertEquals(c.rocAuc(), values.get(MetricName.ROC_AUC), AUC_TOLERANCE, "roc_auc");
        }
        assertEquals(c.logLoss(), values.get(MetricName.LOG_LOSS), LOG_LOSS_TOLERANCE, "log_loss");
    }

    private static double logLoss(String name) {
        Case c = cases().stream().filter(it -> it.name().equals(name)).findFirst().orElseThrow();
        return evaluate(c).get(MetricName.LOG_LOSS);
    }

    @Test
    void logLossBoundsAsDocumented() {
        // docs/metrics.md: a one-column output that is certain and wrong costs -ln(1 - (1 - 1e-15)) per row,
        // not -ln(1e-15); rows that sum to more than 1 cost more still
        assertEquals("34.539576", Decimals.format(logLoss("log-loss bound, one column certain and wrong")));
        assertEquals("35.231924", Decimals.format(logLoss("log-loss bound, unnormalised rows")));
        assertEquals("34.538776", Decimals.format(-Math.log(1e-15)));
    }
}
