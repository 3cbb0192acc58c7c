package dev.bountymarket.evaluator;

import dev.bountymarket.evaluator.dataset.DecodedTestSet;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to evaluate: a bounty spec, a model file, a test-set file (CSV, or zip of images), and which of its rows:
 * one part under the live split ({@code rows}), or all of them ({@code rows} null: a public sample). When
 * {@code decoded} is set, {@code testSet} is that test set already decoded for this spec and these rows
 * ({@link DecodedTestSet}): the evaluation maps it and only runs the model and the metrics. Only the platform says a
 * file is decoded, never the file itself, so a sponsor's upload can never pass for one.
 */
public record EvaluationRequest(BountySpec spec, Path model, Path testSet, ModelOptions options, LiveSplit.Selection rows,
        boolean decoded) {
    public EvaluationRequest {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(testSet, "testSet");
        options = options == null ? ModelOptions.defaults() : options;
    }

    public EvaluationRequest(BountySpec spec, Path model, Path testSet, ModelOptions options, LiveSplit.Selection rows) {
        this(spec, model, testSet, options, rows, false);
    }

    public EvaluationRequest(BountySpec spec, Path model, Path testSet, ModelOptions options) {
        this(spec, model, testSet, options, null);
    }

    public EvaluationRequest(BountySpec spec, Path model, Path testSet) {
        this(spec, model, testSet, ModelOptions.defaults(), null);
    }

    /** The same request scoring only {@code part} of the test set, split by {@code salt} and the spec's live share. */
    public EvaluationRequest part(byte[] salt, LiveSplit.Part part) {
        return new EvaluationRequest(spec, model, testSet, options,
                new LiveSplit.Selection(new LiveSplit(salt, spec.liveBoard().sharePercent()), part), decoded);
    }

    /** The same request reading {@code decodedTestSet}, which {@link DecodedTestSet#decode} made for its spec and rows. */
    public EvaluationRequest withDecodedTestSet(Path decodedTestSet) {
        return new EvaluationRequest(spec, model, decodedTestSet, options, rows, true);
    }
}
