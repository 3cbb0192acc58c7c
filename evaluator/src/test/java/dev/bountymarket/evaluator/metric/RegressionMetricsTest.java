package dev.bountymarket.evaluator.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bountymarket.evaluator.spec.MetricName;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegressionMetricsTest {
    private static Map<MetricName, Double> metrics(double[] y, double[] prediction) {
        RegressionMetrics metrics = new RegressionMetrics();
        for (int i = 0; i < y.length; i++) {
            metrics.add(y[i], prediction[i]);
        }
        return metrics.finish();
    }

    @Test
    void rmseMaeAndR2MatchHandComputedValues() {
        // errors .5 0 -1 1: SSE 2.25, MSE .5625 -> RMSE .75; MAE 2.5/4 = .625
        // mean y 2.5, SS_tot 2.25 + .25 + .25 + 2.25 = 5 -> R2 = 1 - 2.25/5 = .55
        Map<MetricName, Double> values = metrics(new double[] {1, 2, 3, 4}, new double[] {1.5, 2, 2, 5});
        assertEquals(0.75, values.get(MetricName.RMSE), 1e-15);
        assertEquals(0.625, values.get(MetricName.MAE), 1e-15);
        assertEquals(0.55, values.get(MetricName.R2), 1e-15);
    }

    @Test
    void r2OfConstantLabelsIsOneWhenPerfectElseZero() {
        assertEquals(1.0, metrics(new double[] {2, 2, 2}, new double[] {2, 2, 2}).get(MetricName.R2));
        assertEquals(0.0, metrics(new double[] {2, 2, 2}, new double[] {2, 2, 3}).get(MetricName.R2));
    }

    @Test
    void r2IsNegativeForAModelWorseThanTheMean() {
        // y 0 2, mean 1, SS_tot 2; predictions 2 0: SSE 8 -> R2 = 1 - 8/2 = -3
        assertEquals(-3.0, metrics(new double[] {0, 2}, new double[] {2, 0}).get(MetricName.R2), 1e-15);
    }
}
