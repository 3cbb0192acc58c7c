package dev.bountymarket.evaluator.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.report.Decimals;
import dev.bountymarket.evaluator.spec.MetricName;
import dev.bountymarket.evaluator.spec.OutputKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every classification metric against values worked out by hand (the working is in the comments). */
class ClassificationMetricsTest {
    private static final double TOLERANCE = 1e-12;

    private static Map<MetricName, Double> binary(int[] labels, double[] p1) {
        ClassificationMetrics metrics = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        for (int i = 0; i < labels.length; i++) {
            metrics.add(labels[i], p1, i, 1);
        }
        return metrics.finish().values();
    }

    @Test
    void binaryMetricsMatchHandComputedValues() {
        // labels 1 0 1 1 0 0, P(class 1) .9 .3 .6 .4 .4 .2 -> predicted 1 0 1 0 0 0
        int[] labels = {1, 0, 1, 1, 0, 0};
        double[] p1 = {0.9, 0.3, 0.6, 0.4, 0.4, 0.2};
        ClassificationMetrics metrics = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        for (int i = 0; i < labels.length; i++) {
            metrics.add(labels[i], p1, i, 1);
        }
        ClassificationMetrics.Result result = metrics.finish();
        Map<MetricName, Double> values = result.values();
        // confusion: true 0 -> [3, 0], true 1 -> [1, 2]
        assertArrayEquals(new long[] {3, 0}, result.confusion()[0]);
        assertArrayEquals(new long[] {1, 2}, result.confusion()[1]);
        // accuracy 5/6
        assertEquals(5.0 / 6, values.get(MetricName.ACCURACY), TOLERANCE);
        // balanced accuracy: recall 3/3 and 2/3 -> 5/6
        assertEquals((1.0 + 2.0 / 3) / 2, values.get(MetricName.BALANCED_ACCURACY), TOLERANCE);
        // F1 class 0: 2*3/(2*3+1+0) = 6/7; class 1: 2*2/(2*2+0+1) = 4/5
        assertEquals((6.0 / 7 + 4.0 / 5) / 2, values.get(MetricName.MACRO_F1), TOLERANCE);
        // AUC: positives .9 .6 .4 vs negatives .3 .4 .2: 3 + 3 + (1 + 0.5 + 1) = 8.5 of 9 pairs
        assertEquals(8.5 / 9, values.get(MetricName.ROC_AUC), TOLERANCE);
        // log-loss: -(ln .9 + ln .7 + ln .6 + ln .4 + ln .6 + ln .8) / 6
        double logLoss = -(Math.log(0.9) + Math.log(0.7) + Math.log(0.6) + Math.log(0.4) + Math.log(0.6) + Math.log(0.8)) / 6;
        assertEquals(logLoss, values.get(MetricName.LOG_LOSS), 1e-9);
        assertEquals("0.437187", Decimals.format(values.get(MetricName.LOG_LOSS)));
        assertEquals("0.944444", Decimals.format(values.get(MetricName.ROC_AUC)));
        assertEquals("0.828571", Decimals.format(values.get(MetricName.MACRO_F1)));
        // ROC curve over distinct thresholds .9 .6 .4 .3 .2: (0,0) (0,1/3) (0,2/3) (1/3,1) (2/3,1) (1,1)
        RocAuc.RocCurve curve = result.rocCurve();
        assertArrayEquals(new double[] {0, 0, 0, 1.0 / 3, 2.0 / 3, 1}, curve.fpr(), TOLERANCE);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 1, 1, 1}, curve.tpr(), TOLERANCE);
    }

    @Test
    void twoColumnProbabilitiesAndLogitsGiveTheSameMetricsAsOneColumn() {
        int[] labels = {1, 0, 1, 1, 0, 0};
        double[] p1 = {0.9, 0.3, 0.6, 0.4, 0.4, 0.2};
        ClassificationMetrics twoColumns = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        ClassificationMetrics logits = new ClassificationMetrics(2, OutputKind.LOGITS);
        for (int i = 0; i < labels.length; i++) {
            twoColumns.add(labels[i], new double[] {1 - p1[i], p1[i]}, 0, 2);
            // logit(p) = ln(p / (1 - p)), fed as one column: sigmoid gives p back
            logits.add(labels[i], new double[] {Math.log(p1[i] / (1 - p1[i]))}, 0, 1);
        }
        Map<MetricName, Double> expected = binary(labels, p1);
        for (Map<MetricName, Double> values : java.util.List.of(twoColumns.finish().values(), logits.finish().values())) {
            for (MetricName name : expected.keySet()) {
                assertEquals(expected.get(name), values.get(name), 1e-9, name.wireName());
            }
        }
    }

    @Test
    void softmaxOfLogitsAndRenormalisedProbabilities() {
        // logits (0, ln 3) -> softmax (1/4, 3/4); probabilities (0.2, 0.6) are renormalised to (1/4, 3/4)
        ClassificationMetrics logits = new ClassificationMetrics(2, OutputKind.LOGITS);
        logits.add(1, new double[] {0, Math.log(3)}, 0, 2);
        assertEquals(-Math.log(0.75), logits.finish().values().get(MetricName.LOG_LOSS), 1e-12);
        ClassificationMetrics probabilities = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        probabilities.add(1, new double[] {0.2, 0.6}, 0, 2);
        assertEquals(-Math.log(0.75), probabilities.finish().values().get(MetricName.LOG_LOSS), 1e-12);
    }

    @Test
    void logLossClipsCertainWrongAnswers() {
        // p(true class) = 0 is clipped to 1e-15: loss = -ln(1e-15) = 34.538776...
        ClassificationMetrics metrics = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        metrics.add(1, new double[] {0.0}, 0, 1);
        assertEquals(-Math.log(1e-15), metrics.finish().values().get(MetricName.LOG_LOSS), 1e-9);
        assertEquals("34.538776", Decimals.format(-Math.log(1e-15)));
    }

    @Test
    void thePredictedClassComesFromTheRawOutputNotTheClippedProbabilities() {
        // (1.2, 1.5) both clip to 1 - 1e-15, a tie the raw output does not have: class 1
        ClassificationMetrics probabilities = new ClassificationMetrics(2, OutputKind.PROBABILITIES);
        probabilities.add(1, new double[] {1.2, 1.5}, 0, 2);
        assertArrayEquals(new long[] {0, 1}, probabilities.finish().confusion()[1]);
        // sigmoid(1e-17) rounds to 0.5, a tie; the logit is positive: class 1
        ClassificationMetrics logits = new ClassificationMetrics(2, OutputKind.LOGITS);
        logits.add(1, new double[] {1e-17}, 0, 1);
        logits.add(0, new double[] {0.0}, 0, 1);
        ClassificationMetrics.Result result = logits.finish();
        assertArrayEquals(new long[] {0, 1}, result.confusion()[1]);
        assertArrayEquals(new long[] {1, 0}, result.confusion()[0]);
        assertEquals(1.0, result.values().get(MetricName.ROC_AUC), 0);
    }

    @Test
    void multiclassLogitScoresIgnoreAConstantAddedToARow() {
        // softmax((a, b, c) + k) = softmax(a, b, c): the same rows shifted by 1000 rank the same
        double[][] rows = {{2, 0, 1}, {0, 3, 1}, {1, 1, 4}, {0.5, 0, 0}, {0, 40, 0}, {45, 0, 1}};
        int[] labels = {0, 1, 2, 1, 1, 0};
        ClassificationMetrics plain = new ClassificationMetrics(3, OutputKind.LOGITS);
        ClassificationMetrics shifted = new ClassificationMetrics(3, OutputKind.LOGITS);
        for (int i = 0; i < rows.length; i++) {
            plain.add(labels[i], rows[i], 0, 3);
            double[] moved = rows[i].clone();
            for (int c = 0; c < 3; c++) {
                moved[c] += i % 2 == 0 ? 1000 : -1000;
            }
            shifted.add(labels[i], moved, 0, 3);
        }
        assertEquals(plain.finish().values().get(MetricName.ROC_AUC), shifted.finish().values().get(MetricName.ROC_AUC), 0);
    }

    @Test
    void multiclassWithAClassAbsentFromTheLabels() {
        // 3 classes; class 2 never occurs in the labels but is predicted once.
        // rows (true, p0, p1, p2): (0, .7 .2 .1) (0, .2 .3 .5) (1, .1 .8 .1) (1, .5 .4 .1)
        double[][] p = {{0.7, 0.2, 0.1}, {0.2, 0.3, 0.5}, {0.1, 0.8, 0.1}, {0.5, 0.4, 0.1}};
        int[] labels = {0, 0, 1, 1};
        ClassificationMetrics metrics = new ClassificationMetrics(3, OutputKind.PROBABILITIES);
        for (int i = 0; i < 4; i++) {
            metrics.add(labels[i], p[i], 0, 3);
        }
        ClassificationMetrics.Result result = metrics.finish();
        Map<MetricName, Double> values = result.values();
        // predicted 0 2 1 0 -> confusion rows: true0 [1 0 1], true1 [1 1 0], true2 [0 0 0]
        assertArrayEquals(new long[] {1, 0, 1}, result.confusion()[0]);
        assertArrayEquals(new long[] {1, 1, 0}, result.confusion()[1]);
        assertArrayEquals(new long[] {0, 0, 0}, result.confusion()[2]);
        assertEquals(0.5, values.get(MetricName.ACCURACY), TOLERANCE);
        // balanced accuracy averages classes present in the labels only: (1/2 + 1/2) / 2
        assertEquals(0.5, values.get(MetricName.BALANCED_ACCURACY), TOLERANCE);
        // F1: class 0 tp1 fp1 fn1 -> 2/4; class 1 tp1 fp0 fn1 -> 2/3; class 2 tp0 fp1 fn0 -> 0 (it was predicted)
        assertEquals((0.5 + 2.0 / 3 + 0) / 3, values.get(MetricName.MACRO_F1), TOLERANCE);
        // one-vs-rest AUC, class 2 skipped (no positives):
        // class 0: pos .7 .2 vs neg .1 .5 -> (2 + 1) / 4 = .75; class 1: pos .8 .4 vs neg .2 .3 -> 4/4 = 1
        assertEquals((0.75 + 1.0) / 2, values.get(MetricName.ROC_AUC), TOLERANCE);
        double logLoss = -(Math.log(0.7) + Math.log(0.2) + Math.log(0.8) + Math.log(0.4)) / 4;
        assertEquals(logLoss, values.get(MetricName.LOG_LOSS), 1e-9);
        assertEquals(null, result.rocCurve());
    }

    @Test
    void labelOutputsGiveTheLabelMetricsOnly() {
        ClassificationMetrics metrics = new ClassificationMetrics(3, OutputKind.LABELS);
        double[] predicted = {0, 1, 2, 2, 1};
        int[] labels = {0, 1, 2, 1, 1};
        for (int i = 0; i < labels.length; i++) {
            metrics.add(labels[i], predicted, i, 1);
        }
        Map<MetricName, Double> values = metrics.finish().values();
        assertEquals(0.8, values.get(MetricName.ACCURACY), TOLERANCE);
        // recalls 1/1, 2/3, 1/1
        assertEquals((1 + 2.0 / 3 + 1) / 3, values.get(MetricName.BALANCED_ACCURACY), TOLERANCE);
        // F1: class0 1; class1 tp2 fp0 fn1 -> 4/5; class2 tp1 fp1 fn0 -> 2/3
        assertEquals((1 + 0.8 + 2.0 / 3) / 3, values.get(MetricName.MACRO_F1), TOLERANCE);
        assertTrue(!values.containsKey(MetricName.ROC_AUC) && !values.containsKey(MetricName.LOG_LOSS));
    }

    @Test
    void rocAucIsUndefinedWithASingleClassAndHalfForConstantScores() {
        assertTrue(Double.isNaN(binary(new int[] {1, 1}, new double[] {0.2, 0.9}).get(MetricName.ROC_AUC)));
        assertEquals(0.5, binary(new int[] {1, 0, 1, 0}, new double[] {0.5, 0.5, 0.5, 0.5}).get(MetricName.ROC_AUC), 0);
    }

    @Test
    void rocCurveIsThinnedToAtMost101PointsKeepingBothEnds() {
        int n = 5000;
        double[] pos = new double[n];
        double[] neg = new double[n];
        for (int i = 0; i < n; i++) {
            pos[i] = (i + 0.5) / n;
            neg[i] = i / (double) n;
        }
        RocAuc.RocCurve curve = RocAuc.curve(pos, n, neg, n, 101);
        assertEquals(101, curve.fpr().length);
        assertEquals(0, curve.fpr()[0]);
        assertEquals(0, curve.tpr()[0]);
        assertEquals(1, curve.fpr()[100]);
        assertEquals(1, curve.tpr()[100]);
        for (int i = 1; i < 101; i++) {
            assertTrue(curve.fpr()[i] >= curve.fpr()[i - 1] && curve.tpr()[i] >= curve.tpr()[i - 1]);
        }
    }
}
