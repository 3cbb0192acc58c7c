package dev.bountymarket.evaluator.metric;

import dev.bountymarket.evaluator.spec.MetricName;
import dev.bountymarket.evaluator.spec.OutputKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming accumulator for classification. Per row it turns the model output into a probability vector
 * (docs/metrics.md, "From model output to probabilities"), updates the confusion matrix and the log-loss
 * sum in row order, and keeps each row's class scores in primitive arrays for ROC-AUC (8 bytes per row
 * and class; one column for binary tasks). Not thread-safe; feed rows in test-set order.
 */
public final class ClassificationMetrics {
    /** Probabilities are clipped to [EPS, 1 - EPS] before log-loss. */
    public static final double EPS = 1e-15;
    /** Points in the reported ROC curve, at most. */
    public static final int ROC_POINTS = 101;

    private final int classes;
    private final OutputKind kind;
    private final long[][] confusion;
    private final double[] p;
    private final DoubleList[] positives;
    private final DoubleList[] negatives;
    private double logLossSum;
    private long rows;

    public ClassificationMetrics(int classes, OutputKind kind) {
        this.classes = classes;
        this.kind = kind;
        this.confusion = new long[classes][classes];
        this.p = new double[classes];
        boolean scores = kind != OutputKind.LABELS;
        int scored = !scores ? 0 : classes == 2 ? 1 : classes;
        this.positives = new DoubleList[scored];
        this.negatives = new DoubleList[scored];
        for (int c = 0; c < scored; c++) {
            positives[c] = new DoubleList();
            negatives[c] = new DoubleList();
        }
    }

    /**
     * Adds one row.
     *
     * @param trueClass index of the row's label in the spec's class list
     * @param out model output buffer; this row's values are {@code out[offset .. offset + width)}
     * @param width {@code classes} for [N,C] outputs, 1 for [N] / [N,1]
     */
    public void add(int trueClass, double[] out, int offset, int width) {
        int predicted;
        if (kind == OutputKind.LABELS) {
            predicted = (int) out[offset];
        } else {
            toProbabilities(out, offset, width);
            predicted = 0;
            for (int c = 1; c < classes; c++) {
                if (p[c] > p[predicted]) {
                    predicted = c;
                }
            }
            logLossSum += -Math.log(p[trueClass]);
            if (classes == 2) {
                (trueClass == 1 ? positives[0] : negatives[0]).add(p[1]);
            } else {
                for (int c = 0; c < classes; c++) {
                    (trueClass == c ? positives[c] : negatives[c]).add(p[c]);
                }
            }
        }
        confusion[trueClass][predicted]++;
        rows++;
    }

    private void toProbabilities(double[] out, int offset, int width) {
        if (width == 1) {
            double v = out[offset];
            double p1 = kind == OutputKind.LOGITS ? sigmoid(v) : v;
            p1 = clip(p1);
            p[1] = p1;
            p[0] = 1 - p1;
            return;
        }
        if (kind == OutputKind.LOGITS) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, out[offset + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                p[c] = Math.exp(out[offset + c] - max);
                sum += p[c];
            }
            for (int c = 0; c < classes; c++) {
                p[c] /= sum;
            }
        } else {
            for (int c = 0; c < classes; c++) {
                p[c] = out[offset + c];
            }
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = clip(p[c]);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
    }

    private static double clip(double v) {
        return Math.min(Math.max(v, EPS), 1 - EPS);
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    public long rows() {
        return rows;
    }

    /** Computes every metric; a metric without a value on these rows maps to NaN. */
    public Result finish() {
        Map<MetricName, Double> values = new LinkedHashMap<>();
        long correct = 0;
        double recallSum = 0;
        int recallClasses = 0;
        double f1Sum = 0;
        int f1Classes = 0;
        for (int c = 0; c < classes; c++) {
            long tp = confusion[c][c];
            long support = 0;
            long predicted = 0;
            for (int k = 0; k < classes; k++) {
                support += confusion[c][k];
                predicted += confusion[k][c];
            }
            correct += tp;
            if (support > 0) {
                recallSum += (double) tp / support;
                recallClasses++;
            }
            long fp = predicted - tp;
            long fn = support - tp;
            if (tp + fp + fn > 0) {
                f1Sum += 2.0 * tp / (2.0 * tp + fp + fn);
                f1Classes++;
            }
        }
        values.put(MetricName.ACCURACY, (double) correct / rows);
        values.put(MetricName.BALANCED_ACCURACY, recallSum / recallClasses);
        values.put(MetricName.MACRO_F1, f1Sum / f1Classes);
        RocAuc.RocCurve curve = null;
        if (kind != OutputKind.LABELS) {
            double aucSum = 0;
            int aucClasses = 0;
            for (int c = 0; c < positives.length; c++) {
                int np = positives[c].size();
                int nn = negatives[c].size();
                double[] pos = positives[c].sorted();
                double[] neg = negatives[c].sorted();
                double auc = RocAuc.auc(pos, np, neg, nn);
                if (!Double.isNaN(auc)) {
                    aucSum += auc;
                    aucClasses++;
                }
                if (classes == 2) {
                    curve = RocAuc.curve(pos, np, neg, nn, ROC_POINTS);
                }
            }
            values.put(MetricName.ROC_AUC, aucClasses == 0 ? Double.NaN : aucSum / aucClasses);
            values.put(MetricName.LOG_LOSS, logLossSum / rows);
        }
        long[][] matrix = new long[classes][];
        for (int c = 0; c < classes; c++) {
            matrix[c] = confusion[c].clone();
        }
        return new Result(values, matrix, curve);
    }

    /** Metric values (NaN where undefined), the confusion matrix (rows: true class) and the binary ROC curve. */
    public record Result(Map<MetricName, Double> values, long[][] confusion, RocAuc.RocCurve rocCurve) {}
}
