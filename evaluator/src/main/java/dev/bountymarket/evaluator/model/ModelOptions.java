package dev.bountymarket.evaluator.model;

/**
 * Runtime choices that do not change the report: intra-op threads of ONNX Runtime (0: one less than the
 * processors, at least 1, leaving a core for the test-set reader) and the device preference.
 */
public record ModelOptions(int threads, DevicePreference device) {
    public static ModelOptions defaults() {
        return new ModelOptions(0, DevicePreference.AUTO);
    }

    public int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }
}
