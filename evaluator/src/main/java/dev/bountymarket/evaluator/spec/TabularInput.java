package dev.bountymarket.evaluator.spec;

import java.util.List;
import java.util.Optional;

/**
 * A CSV test set: the named columns, in this order, form the model's {@code [N, features.size()]} float32
 * input. Other columns of the file are ignored.
 */
public record TabularInput(String inputName, List<String> features) implements InputSpec {
    public TabularInput {
        features = List.copyOf(features);
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(inputName);
    }

    @Override
    public long[] shape() {
        return new long[] {-1, features.size()};
    }

    @Override
    public int rowWidth() {
        return features.size();
    }
}
