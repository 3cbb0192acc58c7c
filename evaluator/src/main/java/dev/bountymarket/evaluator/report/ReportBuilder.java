package dev.bountymarket.evaluator.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluatorVersion;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.metric.RocAuc;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.MetricName;
import java.util.Map;

/** Assembles the canonical report from the metric results. */
public final class ReportBuilder {
    private ReportBuilder() {}

    /**
     * @param metrics every reported metric, NaN where undefined
     * @param confusion rows: true class, columns: predicted class; null for regression
     * @param curve binary ROC curve or null
     */
    public static Report build(BountySpec spec, String modelSha256, String testSetSha256, long rows,
            Map<MetricName, Double> metrics, long[][] confusion, RocAuc.RocCurve curve) throws EvaluationException {
        return build(spec, modelSha256, testSetSha256, null, rows, metrics, confusion, curve);
    }

    /**
     * @param part the part of the test set that was scored under the live split, or null for all its rows (a public
     *     sample); when present the report says which ({@code split}), so anyone with the revealed salt can recompute
     *     the rows
     */
    public static Report build(BountySpec spec, String modelSha256, String testSetSha256, LiveSplit.Selection part,
            long rows, Map<MetricName, Double> metrics, long[][] confusion, RocAuc.RocCurve curve)
            throws EvaluationException {
        double primary = metrics.getOrDefault(spec.metric(), Double.NaN);
        if (Double.isNaN(primary)) {
            throw new EvaluationException(ErrorCode.METRIC_UNDEFINED, "the primary metric "
                    + spec.metric().wireName() + " is undefined on this test set"
                    + (spec.metric() == MetricName.ROC_AUC ? " (ROC-AUC needs rows of both the positive and another class)" : ""));
        }
        ObjectNode root = CanonicalJson.NODES.objectNode();
        root.put("reportVersion", Report.VERSION);
        root.put("evaluatorVersion", EvaluatorVersion.get());
        root.put("specHash", spec.hash());
        root.put("modelSha256", modelSha256);
        root.put("testSetSha256", testSetSha256);
        root.put("task", spec.task().wireName());
        root.put("metric", spec.metric().wireName());
        root.put("score", Decimals.fixedPoint(primary));
        root.put("rows", rows);
        if (part != null) {
            ObjectNode split = root.putObject("split");
            split.put("rule", LiveSplit.RULE);
            split.put("part", part.part().wireName());
            split.put("liveSharePercent", part.split().sharePercent());
        }
        ObjectNode values = root.putObject("metrics");
        for (Map.Entry<MetricName, Double> entry : metrics.entrySet()) {
            double value = entry.getValue();
            if (Double.isNaN(value)) {
                values.putNull(entry.getKey().wireName());
            } else {
                values.put(entry.getKey().wireName(), Decimals.format(value));
            }
        }
        if (confusion != null) {
            ArrayNode classes = root.putArray("classes");
            spec.classes().forEach(classes::add);
            ArrayNode matrix = root.putArray("confusionMatrix");
            for (long[] row : confusion) {
                ArrayNode r = matrix.addArray();
                for (long count : row) {
                    r.add(count);
                }
            }
        }
        if (curve != null) {
            ObjectNode roc = root.putObject("rocCurve");
            ArrayNode fpr = roc.putArray("fpr");
            ArrayNode tpr = roc.putArray("tpr");
            for (int i = 0; i < curve.fpr().length; i++) {
                fpr.add(Decimals.format(curve.fpr()[i]));
                tpr.add(Decimals.format(curve.tpr()[i]));
            }
        }
        return new Report(root);
    }
}
