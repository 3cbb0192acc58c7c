package dev.bountymarket.evaluator.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.HostPaths;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.OutputKind;
import dev.bountymarket.evaluator.spec.OutputShape;
import dev.bountymarket.evaluator.spec.TabularInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A submitted ONNX model loaded into DJL's OnnxRuntime engine and checked against the bounty spec before
 * any row is scored: one float input whose shape fits the spec, and the named output with a type and shape
 * that fit the output convention. The ONNX Runtime session is created here (so its declared input and
 * output shapes can be checked, and threads and the CUDA provider set) and handed to DJL as an
 * {@link OrtSymbolBlock}; inference then goes through a DJL {@link Predictor} and {@link BatchTranslator}.
 */
public final class OnnxModel implements AutoCloseable {
    private final Model model;
    private final Device device;
    private final String inputName;
    private final String outputName;
    private final int fixedBatch;
    private final BountySpec spec;

    private OnnxModel(Model model, Device device, String inputName, String outputName, int fixedBatch, BountySpec spec) {
        this.model = model;
        this.device = device;
        this.inputName = inputName;
        this.outputName = outputName;
        this.fixedBatch = fixedBatch;
        this.spec = spec;
    }

    public static OnnxModel load(Path file, BountySpec spec, ModelOptions options) throws EvaluationException {
        return load(file, String.valueOf(file.getFileName()), spec, options);
    }

    /**
     * Loads a model that {@link ModelFiles} has checked; {@code displayName} is the file name messages use (the
     * contributor's own, never a path of this machine).
     */
    public static OnnxModel load(Path file, String displayName, BountySpec spec, ModelOptions options)
            throws EvaluationException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model file " + displayName
                    + " does not exist or cannot be read");
        }
        OrtBootstrap.engine();
        Device device = DeviceSelection.chooseHere(options.device());
        OrtSession session = null;
        Model model = null;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.effectiveThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            // idle intra-op threads sleep instead of spinning, leaving the CPU to the test-set reader
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            // whatever the file's name, it is read as ONNX protobuf, the format ExternalData has checked
            sessionOptions.addConfigEntry("session.load_model_format", "ONNX");
            if (device.isGpu()) {
                sessionOptions.addCUDA(device.getDeviceId());
            }
            try {
                session = OrtEnvironment.getEnvironment().createSession(file.toString(), sessionOptions);
            } catch (OrtException e) {
                throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "ONNX Runtime cannot load "
                        + displayName + " as an ONNX model: " + HostPaths.remove(firstLine(e.getMessage())), e);
            }
            String input = checkInput(session, spec);
            String output = checkOutput(session, spec);
            int fixedBatch = fixedBatch(session, input, spec);
            model = Model.newInstance("submission", device, OrtBootstrap.ENGINE);
            model.setBlock(new OrtSymbolBlock(session, (OrtNDManager) model.getNDManager()));
            return new OnnxModel(model, device, input, output, fixedBatch, spec);
        } catch (OrtException e) {
            closeQuietly(session, model);
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "ONNX Runtime session setup failed: " + e.getMessage(), e);
        } catch (EvaluationException | RuntimeException e) {
            closeQuietly(session, model);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session, Model model) {
        try {
            if (model != null) {
                model.close();
            } else if (session != null) {
                session.close();
            }
        } catch (OrtException | RuntimeException ignored) {
            // already failing
        }
    }

    private static String checkInput(OrtSession session, BountySpec spec) throws EvaluationException, OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model has " + inputs.size() + " inputs "
                    + inputs.keySet() + "; the evaluator feeds exactly one float tensor");
        }
        String name = inputs.keySet().iterator().next();
        String wanted = spec.input().name().orElse(name);
        if (!wanted.equals(name)) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model's input is named '" + name
                    + "' but the bounty spec names '" + wanted + "'");
        }
        if (!(inputs.get(name).getInfo() instanceof TensorInfo info)) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model input '" + name + "' is not a tensor");
        }
        if (info.type != OnnxJavaType.FLOAT) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model input '" + name + "' has type "
                    + info.type + "; the evaluator feeds FLOAT (float32)");
        }
        long[] have = info.getShape();
        long[] need = spec.input().shape();
        boolean fits = have.length == need.length;
        for (int i = 1; fits && i < need.length; i++) {
            fits = have[i] < 0 || have[i] == need[i];
        }
        if (!fits) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model input '" + name + "' has shape "
                    + shape(have) + " but the bounty spec feeds " + shape(need) + " (" + describeInput(spec) + ")");
        }
        return name;
    }

    private static String describeInput(BountySpec spec) {
        if (spec.input() instanceof TabularInput tabular) {
            return tabular.features().size() + " feature columns";
        }
        ImageInput image = (ImageInput) spec.input();
        return image.layout() + " images, " + image.channels() + " channel(s) of " + image.height() + "x" + image.width();
    }

    private static String checkOutput(OrtSession session, BountySpec spec) throws EvaluationException, OrtException {
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String name;
        if (spec.output().name().isPresent()) {
            name = spec.output().name().get();
            if (!outputs.containsKey(name)) {
                throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model has no output '" + name
                        + "'; its outputs are " + outputs.keySet());
            }
        } else if (outputs.size() == 1) {
            name = outputs.keySet().iterator().next();
        } else {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model has outputs " + outputs.keySet()
                    + " and the bounty spec does not name one (output.name)");
        }
        if (!(outputs.get(name).getInfo() instanceof TensorInfo info)) {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model output '" + name
                    + "' is not a tensor (" + outputs.get(name).getInfo() + "); export plain tensors"
                    + " (for skl2onnx classifiers: options zipmap=False)");
        }
        OutputKind kind = spec.output().kind();
        boolean typeOk = switch (info.type) {
            case FLOAT, DOUBLE -> true;
            case INT64, INT32 -> kind == OutputKind.LABELS;
            default -> false;
        };
        if (!typeOk) {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model output '" + name + "' has type "
                    + info.type + ", which does not fit output kind " + kind.wireName());
        }
        long[] have = info.getShape();
        if (!fitsConvention(have, -1, spec)) {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model output '" + name + "' has shape "
                    + shape(have) + " but the bounty spec expects " + expected(-1, spec));
        }
        return name;
    }

    /** Whether a (declared or actual) output shape fits the convention; negative dims match anything. */
    static boolean fitsConvention(long[] shape, long rows, BountySpec spec) {
        OutputShape convention = spec.output().shape();
        if (shape.length == 0 || (rows >= 0 && shape[0] >= 0 && shape[0] != rows)) {
            return false;
        }
        if (convention == OutputShape.PER_CLASS) {
            return shape.length == 2 && (shape[1] < 0 || shape[1] == spec.classCount());
        }
        return shape.length == 1 || (shape.length == 2 && (shape[1] < 0 || shape[1] == 1));
    }

    static String expected(long rows, BountySpec spec) {
        String n = rows < 0 ? "N" : Long.toString(rows);
        return switch (spec.output().shape()) {
            case PER_CLASS -> "[" + n + ", " + spec.classCount() + "] (" + spec.output().kind().wireName()
                    + ", one column per class)";
            case VECTOR, COLUMN -> "[" + n + "] or [" + n + ", 1] (" + spec.output().kind().wireName() + ", one value per row)";
        };
    }

    /** Rows per call of a fixed batch; a fixed batch fills whole input buffers, so it stays within the evaluator's. */
    static final int MAX_FIXED_BATCH_ROWS = 16384;
    static final long MAX_FIXED_BATCH_FLOATS = 16L << 20;

    /** The model's fixed batch size, or 0; one too large to feed is the contributor's input error, not ours. */
    private static int fixedBatch(OrtSession session, String input, BountySpec spec)
            throws OrtException, EvaluationException {
        long first = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape()[0];
        if (first <= 0) {
            return 0;
        }
        if (first > MAX_FIXED_BATCH_ROWS || first * spec.input().rowWidth() > MAX_FIXED_BATCH_FLOATS) {
            throw new EvaluationException(ErrorCode.INPUT_MISMATCH, "the model input '" + input + "' declares a fixed"
                    + " batch of " + first + " rows; the evaluator feeds at most " + MAX_FIXED_BATCH_ROWS + " rows and "
                    + MAX_FIXED_BATCH_FLOATS + " floats (" + (MAX_FIXED_BATCH_FLOATS * Float.BYTES >> 20) + " MiB) per"
                    + " call: export the model with a dynamic batch dimension (N) or a smaller fixed one");
        }
        return (int) first;
    }

    static String shape(long[] dims) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(dims[i] < 0 ? "N" : Long.toString(dims[i]));
        }
        return s.append(']').toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Rows per model call: the test-set batch size, unless the model fixes its batch dimension (then
     * exactly that; a short last batch is padded with zero rows whose outputs are dropped).
     */
    public int rowsPerCall(int preferred) {
        return fixedBatch > 0 ? fixedBatch : preferred;
    }

    /** A predictor for one thread; close it after use. */
    public Predictor<Batch, double[]> newPredictor() {
        int rows = rowsPerCall(Batch.rowsFor(spec.input().rowWidth()));
        return model.newPredictor(new BatchTranslator(spec, inputName, outputName, fixedBatch, rows));
    }

    public Device device() {
        return device;
    }

    public String inputName() {
        return inputName;
    }

    public String outputName() {
        return outputName;
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxModel[input=" + inputName + ", output=" + outputName + ", device=" + device
                + ", fixedBatch=" + fixedBatch + ", spec shape=" + Arrays.toString(spec.input().shape()) + "]";
    }
}
