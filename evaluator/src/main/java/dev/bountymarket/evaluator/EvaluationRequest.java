package dev.bountymarket.evaluator;

import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Path;
import java.util.Objects;

/** What to evaluate: a bounty spec, a model file, a test-set file (CSV, or zip of images). */
public record EvaluationRequest(BountySpec spec, Path model, Path testSet, ModelOptions options) {
    public EvaluationRequest {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(testSet, "testSet");
        options = options == null ? ModelOptions.defaults() : options;
    }

    public EvaluationRequest(BountySpec spec, Path model, Path testSet) {
        this(spec, model, testSet, ModelOptions.defaults());
    }
}
