package dev.bountymarket.evaluator.model;

import ai.djl.Device;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;

/**
 * Chooses the device. The rule is a pure function of what the machine offers, so it is tested without a
 * GPU: the GPU needs both the CUDA execution provider in the ONNX Runtime build (the {@code gpu} Maven
 * profile) and at least one GPU reported by the engine.
 */
public final class DeviceSelection {
    private DeviceSelection() {}

    public static Device choose(DevicePreference preference, boolean cudaProvider, int gpuCount)
            throws EvaluationException {
        boolean gpu = cudaProvider && gpuCount > 0;
        return switch (preference) {
            case CPU -> Device.cpu();
            case AUTO -> gpu ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (!cudaProvider) {
                    throw new EvaluationException(ErrorCode.DEVICE_UNAVAILABLE,
                            "a GPU was required but this build of the evaluator has no CUDA execution provider"
                                    + " (build it with mvn -Pgpu)");
                }
                if (gpuCount <= 0) {
                    throw new EvaluationException(ErrorCode.DEVICE_UNAVAILABLE,
                            "a GPU was required but the engine reports no NVIDIA GPU on this machine");
                }
                yield Device.gpu(0);
            }
        };
    }

    /** {@link #choose} with what this machine and build offer. */
    public static Device chooseHere(DevicePreference preference) throws EvaluationException {
        var engine = OrtBootstrap.engine();
        if (preference == DevicePreference.CPU) {
            return Device.cpu();
        }
        boolean cuda = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        int gpus = cuda ? engine.getGpuCount() : 0;
        return choose(preference, cuda, gpus);
    }

    /** The device as the report envelope records it: {@code cpu} or {@code gpu:0 (CUDA)}. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() + " (CUDA)" : "cpu";
    }
}
