package dev.bountymarket.evaluator.spec;

/** What the model predicts. */
public enum Task implements WireNamed {
    BINARY_CLASSIFICATION("binary_classification"),
    MULTICLASS_CLASSIFICATION("multiclass_classification"),
    REGRESSION("regression");

    private final String wireName;

    Task(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in spec and report JSON. */
    @Override
    public String wireName() {
        return wireName;
    }

    public boolean isClassification() {
        return this != REGRESSION;
    }
}
