package dev.bountymarket.evaluator.examples;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.BatchSource;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cheat a live leaderboard must not reward: a classifier that has learnt a published sample by heart. For a row
 * of the sample it answers the sample's own label with certainty (a perfect score there); for any other row it answers
 * every class alike, knowing nothing. Built as a plain ONNX graph: squared distances to the memorised rows (one
 * MatMul), the nearest row's one-hot label where that distance is zero, uniform probabilities elsewhere.
 */
public final class MemorisingModels {
    private MemorisingModels() {}

    /** A model that memorises {@code sample} (read as {@code spec} reads a test set); classification specs only. */
    public static byte[] memorising(BountySpec spec, Path sample) throws EvaluationException {
        if (!spec.task().isClassification()) {
            throw new IllegalArgumentException("a memorising model is built for classification specs");
        }
        int width = spec.input().rowWidth();
        int classes = spec.classCount();
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BatchSource source = TestSets.open(sample, spec)) {
            Batch batch = new Batch(1024, width, true);
            while (source.fill(batch)) {
                for (int i = 0; i < batch.size(); i++) {
                    float[] row = new float[width];
                    System.arraycopy(batch.features(), i * width, row, 0, width);
                    rows.add(row);
                    labels.add(batch.classIndex(i));
                }
            }
        }
        int m = rows.size();
        float[] samplesT = new float[width * m];
        float[] squaredNorms = new float[m];
        float[] oneHot = new float[m * classes];
        for (int r = 0; r < m; r++) {
            float norm = 0;
            for (int f = 0; f < width; f++) {
                float v = rows.get(r)[f];
                samplesT[f * m + r] = v;
                norm += v * v;
            }
            squaredNorms[r] = norm;
            oneHot[r * classes + labels.get(r)] = 1f;
        }
        float[] ones = new float[width];
        java.util.Arrays.fill(ones, 1f);
        float[] uniform = new float[classes];
        java.util.Arrays.fill(uniform, 1f / classes);

        String input = spec.input().name().orElse("input");
        String output = spec.output().name().orElse("probabilities");
        GraphProto.Builder graph = GraphProto.newBuilder().setName("memorised")
                .addInput(value(input, -1, width))
                .addOutput(value(output, -1, classes))
                .addInitializer(floats("samples_t", samplesT, width, m))
                .addInitializer(floats("sample_norms", squaredNorms, 1, m))
                .addInitializer(floats("labels", oneHot, m, classes))
                .addInitializer(floats("ones", ones, width, 1))
                .addInitializer(floats("uniform", uniform, 1, classes))
                .addInitializer(floats("minus_two", new float[] {-2f}))
                .addInitializer(floats("epsilon", new float[] {1e-4f}))
                // |x - s|^2 = |x|^2 - 2 x.s + |s|^2, for every memorised row s
                .addNode(node("Mul", List.of(input, input), "x_squared"))
                .addNode(node("MatMul", List.of("x_squared", "ones"), "x_norms"))
                .addNode(node("MatMul", List.of(input, "samples_t"), "dots"))
                .addNode(node("Mul", List.of("dots", "minus_two"), "minus_two_dots"))
                .addNode(node("Add", List.of("minus_two_dots", "x_norms"), "partial"))
                .addNode(node("Add", List.of("partial", "sample_norms"), "distances"))
                .addNode(node("ArgMin", List.of("distances"), "nearest", intAttribute("axis", 1),
                        intAttribute("keepdims", 0)))
                .addNode(node("ReduceMin", List.of("distances"), "closest", intsAttribute("axes", 1),
                        intAttribute("keepdims", 1)))
                .addNode(node("Gather", List.of("labels", "nearest"), "remembered", intAttribute("axis", 0)))
                .addNode(node("Less", List.of("closest", "epsilon"), "seen"))
                .addNode(node("Where", List.of("seen", "remembered", "uniform"), output));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("bountymarket-examples")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph)
                .build().toByteArray();
    }

    private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        return node.build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return attribute.build();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putFloat(v);
        }
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buffer.array()));
        for (long d : dims) {
            tensor.addDims(d);
        }
        return tensor.build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
