package dev.bountymarket.evaluator.spec;

/** The layout of the model output the spec names. {@code [N]} and {@code [N,1]} are accepted for each other. */
public enum OutputShape implements WireNamed {
    /** One column per class, in the spec's class order. */
    PER_CLASS("[N,C]"),
    /** One value per row. */
    VECTOR("[N]"),
    /** One value per row, as a column. */
    COLUMN("[N,1]");

    private final String wireName;

    OutputShape(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public boolean singleColumn() {
        return this != PER_CLASS;
    }
}
