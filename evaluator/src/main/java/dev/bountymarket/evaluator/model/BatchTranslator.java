package dev.bountymarket.evaluator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Batch of test-set rows in, the chosen model output as doubles out ({@code rows x width}, row-major).
 * The input goes through one reused direct buffer, which ONNX Runtime reads without another copy; all
 * NDArrays are allocated through the context's manager and freed after each call.
 */
final class BatchTranslator implements NoBatchifyTranslator<Batch, double[]> {
    private final BountySpec spec;
    private final String inputName;
    private final String outputName;
    private final int fixedBatch;
    private final long[] inputShape;
    private final FloatBuffer input;
    private int rows;

    BatchTranslator(BountySpec spec, String inputName, String outputName, int fixedBatch, int maxRows) {
        this.spec = spec;
        this.inputName = inputName;
        this.outputName = outputName;
        this.fixedBatch = fixedBatch;
        this.inputShape = spec.input().shape();
        int width = spec.input().rowWidth();
        this.input = ByteBuffer.allocateDirect(Math.multiplyExact(Math.max(maxRows, fixedBatch), width) * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Batch batch) {
        rows = batch.size();
        int width = batch.rowWidth();
        int fedRows = fixedBatch > 0 ? fixedBatch : rows;
        input.clear();
        input.put(batch.features(), 0, rows * width);
        for (int i = rows * width; i < fedRows * width; i++) {
            input.put(0f);
        }
        input.flip();
        long[] dims = inputShape.clone();
        dims[0] = fedRows;
        NDArray array = ctx.getNDManager().create(input, new Shape(dims));
        array.setName(inputName);
        return new NDList(array);
    }

    @Override
    public double[] processOutput(TranslatorContext ctx, NDList list) throws EvaluationException {
        NDArray out = list.get(outputName);
        if (out == null) {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model returned no output '" + outputName + "'");
        }
        long[] shape = out.getShape().getShape();
        long fedRows = fixedBatch > 0 ? fixedBatch : rows;
        if (!OnnxModel.fitsConvention(shape, fedRows, spec) || shape[0] != fedRows) {
            throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model output '" + outputName
                    + "' has shape " + OnnxModel.shape(shape) + " for a batch of " + fedRows + " rows, but the"
                    + " bounty spec expects " + OnnxModel.expected(fedRows, spec));
        }
        int width = shape.length == 2 ? (int) shape[1] : 1;
        int count = rows * width;
        double[] values = new double[count];
        switch (out.getDataType()) {
            case FLOAT32 -> {
                float[] data = out.toFloatArray();
                for (int i = 0; i < count; i++) {
                    values[i] = data[i];
                }
            }
            case FLOAT64 -> out.toByteBuffer().asDoubleBuffer().get(values, 0, count);
            case INT64 -> {
                long[] data = out.toLongArray();
                for (int i = 0; i < count; i++) {
                    values[i] = data[i];
                }
            }
            case INT32 -> {
                int[] data = out.toIntArray();
                for (int i = 0; i < count; i++) {
                    values[i] = data[i];
                }
            }
            default -> throw new EvaluationException(ErrorCode.OUTPUT_MISMATCH, "the model output '" + outputName
                    + "' has type " + out.getDataType());
        }
        return values;
    }
}
