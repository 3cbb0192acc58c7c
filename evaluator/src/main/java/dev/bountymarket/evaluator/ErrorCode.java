package dev.bountymarket.evaluator;

/**
 * Why an evaluation failed. Each code names who can fix it, so the backend can tell a contributor
 * "your model" apart from "the bounty's data" apart from "our machine".
 */
public enum ErrorCode {
    /** The bounty spec is not valid JSON or breaks a rule of the spec format. */
    INVALID_SPEC(Party.SPONSOR),
    /** The model file is missing, empty, truncated or not an ONNX model ONNX Runtime can load. */
    MODEL_UNREADABLE(Party.CONTRIBUTOR),
    /** The model file is larger than the configured limit. */
    MODEL_TOO_LARGE(Party.CONTRIBUTOR),
    /** The model's input name, type or shape does not fit the spec (the message shows both shapes). */
    INPUT_MISMATCH(Party.CONTRIBUTOR),
    /** The model's output name, type or shape does not fit the spec's output convention. */
    OUTPUT_MISMATCH(Party.CONTRIBUTOR),
    /** The model produced NaN or an infinity (the message names the row). */
    NON_FINITE_OUTPUT(Party.CONTRIBUTOR),
    /** A label output that is not a class index of the bounty (the message names the row). */
    OUTPUT_OUT_OF_RANGE(Party.CONTRIBUTOR),
    /** ONNX Runtime failed while running the model. */
    INFERENCE_FAILED(Party.CONTRIBUTOR),
    /** The evaluation ran past its wall-clock limit and was stopped. */
    TIMEOUT(Party.CONTRIBUTOR),
    /** The evaluation ran out of its heap or native memory limit and was stopped. */
    OUT_OF_MEMORY(Party.CONTRIBUTOR),
    /** The evaluation process died (a crash in the native runtime, a signal). */
    NATIVE_CRASH(Party.CONTRIBUTOR),
    /** The test set cannot be read as the spec says (the message names the file and line). */
    MALFORMED_TEST_SET(Party.SPONSOR),
    /** The primary metric has no value on this test set (for example ROC-AUC with one class). */
    METRIC_UNDEFINED(Party.SPONSOR),
    /** A GPU was required but this build or machine has none. */
    DEVICE_UNAVAILABLE(Party.PLATFORM),
    /** A fault of the evaluator or its machine, not of the model or the data. */
    INTERNAL_ERROR(Party.PLATFORM);

    /** Who can act on an error. */
    public enum Party {
        /** The person who uploaded the model. */
        CONTRIBUTOR,
        /** The person who posted the bounty (spec, test set). */
        SPONSOR,
        /** Whoever runs the evaluator. */
        PLATFORM
    }

    private final Party party;

    ErrorCode(Party party) {
        this.party = party;
    }

    /** Who can fix the cause of this error. */
    public Party party() {
        return party;
    }
}
