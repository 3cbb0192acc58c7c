package dev.bountymarket.evaluator.metric;

import dev.bountymarket.evaluator.spec.MetricName;
import dev.bountymarket.evaluator.spec.OutputKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming accumulator for classification (docs/metrics.md, "From model output to scores and
 * probabilities"). Per row it takes the predicted class and each class's ranking score from the raw
 * output, and the log-loss term from the clipped, renormalised probabilities; sums run in row order. The
 * scores are kept in primitive arrays for ROC-AUC (8 bytes per row and class; one column for binary
 * tasks). Clipping never reaches the scores: it would tie confident rows that the model itself ranks apart.
 * Not thread-safe; feed rows in test-set order.
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
    private final double[] score;
    private final DoubleList[] positives;
    private final DoubleList[] negatives;
    private double logLossSum;
    private long rows;

    public ClassificationMetrics(int classes, OutputKind kind) {
        this.classes = classes;
        this.kind = kind;
        this.confusion = new long[classes][classes];
        this.p = new double[classes];
        this.score = new double[classes];
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
            predicted = predictedClass(out, offset, width);
            toProbabilities(out, offset, width);
            logLossSum += -Math.log(p[trueClass]);
            if (classes == 2) {
                (trueClass == 1 ? positives[0] : negatives[0]).add(positiveScore(out, offset, width));
            } else {
                toScores(out, offset);
                for (int c = 0; c < classes; c++) {
                    (trueClass == c ? positives[c] : negatives[c]).add(score[c]);
                }
            }
        }
        confusion[trueClass][predicted]++;
        rows++;
    }

    /** The largest output column (the first on a tie); one column: the positive side of 0.5 or of logit 0. */
    private int predictedClass(double[] out, int offset, int width) {
        if (width == 1) {
            return out[offset] > (kind == OutputKind.LOGITS ? 0 : 0.5) ? 1 : 0;
        }
        int predicted = 0;
        for (int c = 1; c < classes; c++) {
            if (out[offset + c] > out[offset + predicted]) {
                predicted = c;
            }
        }
        return predicted;
    }

    /**
     * The binary ranking score of {@code classes[1]}: the output itself for one column, column 1 of
     * probabilities, and for two logit columns their difference, the log-odds softmax assigns to class 1.
     */
    private double positiveScore(double[] out, int offset, int width) {
        if (width == 1) {
            return out[offset];
        }
        if (kind == OutputKind.LOGITS) {
            return out[offset + 1] - out[offset];
        }
        return out[offset + 1];
    }

    /**
     * Multiclass ranking scores into {@code score}: each probability column as output, or for logits the
     * log-odds of each class under softmax, {@code l_c - ln sum_{k != c} exp(l_k)}. Log-odds rank rows as
     * the softmax probability does, but do not round to 1 for a confident row, and unlike the raw logit
     * they do not move when a model adds the same constant to a row (which leaves its softmax unchanged).
     * StrictMath keeps the scores, hence the ranking, the same bits on every machine.
     */
    private void toScores(double[] out, int offset) {
        if (kind != OutputKind.LOGITS) {
            System.arraycopy(out, offset, score, 0, classes);
            return;
        }
        int top = 0;
        for (int c = 1; c < classes; c++) {
            if (out[offset + c] > out[offset + top]) {
                top = c;
            }
        }
        double max = out[offset + top];
        double second = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (c != top) {
                second = Math.max(second, out[offset + c]);
            }
        }
        // sums over k != top of exp(l_k - max), and of exp(l_k - runner-up), which is >= 1
        double othersOverTop = 0;
        double othersOverRunnerUp = 0;
        for (int c = 0; c < classes; c++) {
            if (c != top) {
                score[c] = StrictMath.exp(out[offset + c] - max);
                othersOverTop += score[c];
                othersOverRunnerUp += StrictMath.exp(out[offset + c] - second);
            }
        }
        for (int c = 0; c < classes; c++) {
            if (c == top) {
                score[c] = (max - second) - StrictMath.log(othersOverRunnerUp);
            } else {
                // the classes other than c: the top one (exp 0 = 1) and othersOverTop less c itself
                score[c] = (out[offset + c] - max) - StrictMath.log1p(Math.max(0, othersOverTop - score[c]));
            }
        }
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
