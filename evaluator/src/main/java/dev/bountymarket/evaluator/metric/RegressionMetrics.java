package dev.bountymarket.evaluator.metric;

import dev.bountymarket.evaluator.spec.MetricName;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streaming accumulator for regression: sums of squared and absolute errors, and the label variance by
 * Welford's update, all in double and in row order. Not thread-safe.
 */
public final class RegressionMetrics {
    private double squaredErrorSum;
    private double absoluteErrorSum;
    private double mean;
    private double m2;
    private long rows;

    public void add(double target, double prediction) {
        double error = prediction - target;
        squaredErrorSum += error * error;
        absoluteErrorSum += Math.abs(error);
        rows++;
        double delta = target - mean;
        mean += delta / rows;
        m2 += delta * (target - mean);
    }

    public long rows() {
        return rows;
    }

    public Map<MetricName, Double> finish() {
        Map<MetricName, Double> values = new LinkedHashMap<>();
        values.put(MetricName.RMSE, Math.sqrt(squaredErrorSum / rows));
        values.put(MetricName.MAE, absoluteErrorSum / rows);
        double r2;
        if (m2 > 0) {
            r2 = 1 - squaredErrorSum / m2;
        } else {
            r2 = squaredErrorSum == 0 ? 1.0 : 0.0;
        }
        values.put(MetricName.R2, r2);
        return values;
    }
}
