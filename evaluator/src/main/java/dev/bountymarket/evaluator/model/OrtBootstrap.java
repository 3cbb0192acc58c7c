package dev.bountymarket.evaluator.model;

import ai.djl.engine.Engine;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts DJL's OnnxRuntime engine once per JVM, before anything else touches {@code OrtEnvironment}.
 *
 * <p>It runs on its own thread with a large stack: creating the ONNX Runtime environment (1.29) recurses
 * about 12,000 frames deep in native code on some machines (seen on this project's 2-core VMs), which
 * overflows the default 1 MiB Java thread stack and kills the JVM with a bare SIGSEGV. Only the
 * environment creation needs it; sessions and runs work on ordinary threads.
 */
public final class OrtBootstrap {
    public static final String ENGINE = "OnnxRuntime";
    private static final long STACK_BYTES = 256L << 20;
    private static Engine engine;

    private OrtBootstrap() {}

    public static synchronized Engine engine() throws EvaluationException {
        if (engine == null) {
            AtomicReference<Object> result = new AtomicReference<>();
            Thread thread = new Thread(null, () -> {
                try {
                    result.set(Engine.getEngine(ENGINE));
                } catch (Throwable e) {
                    result.set(e);
                }
            }, "onnxruntime-init", STACK_BYTES);
            thread.start();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while starting ONNX Runtime");
            }
            if (result.get() instanceof Throwable failure) {
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR,
                        "ONNX Runtime could not be started: " + failure, failure);
            }
            engine = (Engine) result.get();
        }
        return engine;
    }
}
