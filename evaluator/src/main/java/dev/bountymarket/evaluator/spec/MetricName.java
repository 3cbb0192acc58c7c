package dev.bountymarket.evaluator.spec;

import java.util.ArrayList;
import java.util.List;

/** The metrics the evaluator computes; definitions in docs/metrics.md. */
public enum MetricName implements WireNamed {
    ACCURACY("accuracy", true, false, true),
    BALANCED_ACCURACY("balanced_accuracy", true, false, true),
    MACRO_F1("macro_f1", true, false, true),
    ROC_AUC("roc_auc", true, true, true),
    LOG_LOSS("log_loss", false, true, true),
    RMSE("rmse", false, false, false),
    MAE("mae", false, false, false),
    R2("r2", true, false, false);

    private final String wireName;
    private final boolean higherIsBetter;
    private final boolean needsScores;
    private final boolean classification;

    MetricName(String wireName, boolean higherIsBetter, boolean needsScores, boolean classification) {
        this.wireName = wireName;
        this.higherIsBetter = higherIsBetter;
        this.needsScores = needsScores;
        this.classification = classification;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    /** The direction the contract must rank by; the score itself is always the plain metric value. */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** True for metrics that need class probabilities, not only predicted labels. */
    public boolean needsScores() {
        return needsScores;
    }

    public boolean appliesTo(Task task) {
        return classification == task.isClassification();
    }

    /** Every metric the report carries for this task and output kind, in declaration order. */
    public static List<MetricName> reportedFor(Task task, OutputKind kind) {
        List<MetricName> names = new ArrayList<>();
        for (MetricName name : values()) {
            if (name.appliesTo(task) && (!name.needsScores || kind != OutputKind.LABELS)) {
                names.add(name);
            }
        }
        return names;
    }
}
