package dev.bountymarket.evaluator.model;

/** Where the model should run. */
public enum DevicePreference {
    /** The GPU when the engine reports one and the CUDA provider is in the build, else the CPU. */
    AUTO,
    /** Always the CPU. */
    CPU,
    /** The GPU, or fail with DEVICE_UNAVAILABLE. */
    GPU
}
