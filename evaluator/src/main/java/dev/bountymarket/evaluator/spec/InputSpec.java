package dev.bountymarket.evaluator.spec;

import java.util.Optional;

/** How test-set rows become the model's single float32 input tensor. */
public sealed interface InputSpec permits TabularInput, ImageInput {
    /** The model input to feed; empty means "the model's only input". */
    Optional<String> name();

    /** The tensor shape the evaluator feeds, with -1 for the batch dimension. */
    long[] shape();

    /** Floats per row (the product of the non-batch dimensions). */
    int rowWidth();
}
