package dev.bountymarket.evaluator.spec;

/** What the numbers in the model's output mean. */
public enum OutputKind implements WireNamed {
    /** Class probabilities: {@code [N,C]}, or {@code [N]}/{@code [N,1]} = P(classes[1]) for binary tasks. */
    PROBABILITIES("probabilities"),
    /** Unnormalised scores: softmax over {@code [N,C]}, or sigmoid of {@code [N]}/{@code [N,1]} for binary. */
    LOGITS("logits"),
    /** Predicted class indices into the spec's class list, {@code [N]} or {@code [N,1]}. */
    LABELS("labels"),
    /** Regression predictions, {@code [N]} or {@code [N,1]}. */
    VALUES("values");

    private final String wireName;

    OutputKind(String wireName) {
        this.wireName = wireName;
    }

    @Override
    public String wireName() {
        return wireName;
    }
}
