package dev.bountymarket.evaluator.spec;

import java.util.Optional;

/** Which model output to read and how to interpret it. An absent name means "the model's only output". */
public record OutputSpec(String outputName, OutputKind kind, OutputShape shape) {
    public Optional<String> name() {
        return Optional.ofNullable(outputName);
    }
}
