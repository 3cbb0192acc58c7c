package dev.bountymarket.evaluator.metric;

/**
 * ROC-AUC from the scores of the positive and negative rows: the Mann-Whitney statistic
 * {@code sum over positives of (#negatives below + 0.5 #negatives equal) / (P N)}, which equals the area
 * under the ROC curve and gives tied scores their averaged rank. Counting is done in integers (doubled,
 * to keep the halves exact) and divided once, so the result does not depend on order or threads.
 */
public final class RocAuc {
    private RocAuc() {}

    /**
     * @param pos positive scores sorted ascending (first {@code np} valid)
     * @param neg negative scores sorted ascending (first {@code nn} valid)
     * @return the AUC, or NaN when either side is empty
     */
    public static double auc(double[] pos, int np, double[] neg, int nn) {
        if (np == 0 || nn == 0) {
            return Double.NaN;
        }
        long twiceU = 0;
        int below = 0;
        int i = 0;
        while (i < np) {
            double s = pos[i];
            while (below < nn && neg[below] < s) {
                below++;
            }
            int equal = 0;
            while (below + equal < nn && neg[below + equal] == s) {
                equal++;
            }
            int run = 0;
            while (i < np && pos[i] == s) {
                run++;
                i++;
            }
            twiceU += (long) run * (2L * below + equal);
        }
        return twiceU / (2.0 * np * nn);
    }

    /**
     * The ROC curve as points (false positive rate, true positive rate), from (0,0) through one point per
     * distinct score (thresholds from high to low, "score >= threshold" is positive) to (1,1), thinned to at
     * most {@code maxPoints} by taking points at evenly spaced indices (the first and last are always kept).
     */
    public static RocCurve curve(double[] pos, int np, double[] neg, int nn, int maxPoints) {
        if (np == 0 || nn == 0) {
            return null;
        }
        int capacity = countDistinct(pos, np, neg, nn) + 1;
        double[] fpr = new double[capacity];
        double[] tpr = new double[capacity];
        int points = 1;
        int i = np - 1;
        int j = nn - 1;
        long tp = 0;
        long fp = 0;
        while (i >= 0 || j >= 0) {
            double threshold = Math.max(i >= 0 ? pos[i] : Double.NEGATIVE_INFINITY,
                    j >= 0 ? neg[j] : Double.NEGATIVE_INFINITY);
            while (i >= 0 && pos[i] == threshold) {
                tp++;
                i--;
            }
            while (j >= 0 && neg[j] == threshold) {
                fp++;
                j--;
            }
            fpr[points] = (double) fp / nn;
            tpr[points] = (double) tp / np;
            points++;
        }
        if (points <= maxPoints) {
            return new RocCurve(java.util.Arrays.copyOf(fpr, points), java.util.Arrays.copyOf(tpr, points));
        }
        double[] thinFpr = new double[maxPoints];
        double[] thinTpr = new double[maxPoints];
        long last = points - 1;
        long steps = maxPoints - 1;
        for (int k = 0; k < maxPoints; k++) {
            int index = (int) ((k * last + steps / 2) / steps);
            thinFpr[k] = fpr[index];
            thinTpr[k] = tpr[index];
        }
        return new RocCurve(thinFpr, thinTpr);
    }

    private static int countDistinct(double[] pos, int np, double[] neg, int nn) {
        int count = 0;
        int i = 0;
        int j = 0;
        while (i < np || j < nn) {
            double v = Math.min(i < np ? pos[i] : Double.POSITIVE_INFINITY, j < nn ? neg[j] : Double.POSITIVE_INFINITY);
            while (i < np && pos[i] == v) {
                i++;
            }
            while (j < nn && neg[j] == v) {
                j++;
            }
            count++;
        }
        return count;
    }

    /** Points of a ROC curve, both arrays the same length, from (0,0) to (1,1). */
    public record RocCurve(double[] fpr, double[] tpr) {}
}
