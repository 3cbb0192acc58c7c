package dev.bountymarket.evaluator.examples;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Small ONNX models that try to read a file that is not theirs through ONNX "external data", for the tests that show
 * the evaluator refuses them, and the honest model bundle they must not be confused with. Each is the regression model
 * {@code [N, features] -> [N, 1]}, y = x . W, with W (all ones) stored somewhere the attack chooses.
 */
public final class HostileModels {
    /** Where a hostile model hides its external reference. */
    public enum Place {
        /** a graph initializer (the 1 KB model of the original report) */
        INITIALIZER,
        /** a {@code Constant} node's value inside an {@code If} node's branch */
        SUBGRAPH,
        /** a {@code Constant} node inside a model-local function's body */
        FUNCTION,
        /** the values of a sparse initializer */
        SPARSE
    }

    private HostileModels() {}

    /** A model whose W lives in the file {@code location}, hidden at {@code place}. */
    public static byte[] externalData(int features, Place place, String location) {
        GraphProto.Builder graph = graph(features);
        switch (place) {
            case INITIALIZER -> graph.addInitializer(external("W", features, location));
            case SUBGRAPH -> {
                graph.addInitializer(embedded("W", features));
                graph.addInitializer(TensorProto.newBuilder().setName("cond").setDataType(TensorProto.DataType.BOOL_VALUE)
                        .addInt32Data(1));
                GraphProto.Builder branch = GraphProto.newBuilder().setName("branch")
                        .addNode(constant("hidden", external("hidden_value", features, location)))
                        .addOutput(value("hidden", TensorProto.DataType.FLOAT, features, 1));
                graph.addNode(NodeProto.newBuilder().setOpType("If").setName("if").addInput("cond").addOutput("unused")
                        .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(branch))
                        .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                                .setType(AttributeProto.AttributeType.GRAPH).setG(branch)));
            }
            case FUNCTION -> graph.addInitializer(embedded("W", features));
            case SPARSE -> graph.addSparseInitializer(SparseTensorProto.newBuilder()
                    .setValues(external("W", features, location))
                    .setIndices(TensorProto.newBuilder().setName("W_indices").setDataType(TensorProto.DataType.INT64_VALUE)
                            .addDims(features).addAllInt64Data(java.util.stream.LongStream.range(0, features).boxed().toList()))
                    .addDims(features).addDims(1));
        }
        ModelProto.Builder model = model(graph);
        if (place == Place.FUNCTION) {
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("local").setVersion(1));
            model.addFunctions(FunctionProto.newBuilder().setName("Weights").setDomain("local").addOutput("w")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                    .addNode(constant("w", external("w_value", features, location))));
        }
        return model.build().toByteArray();
    }

    /** The honest model, W inside the file. */
    public static byte[] embedded(int features) {
        return model(graph(features).addInitializer(embedded("W", features))).build().toByteArray();
    }

    /** W as external data's file holds it: float32, little-endian. */
    public static byte[] weights(int features) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * features).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < features; i++) {
            buffer.putFloat(1f);
        }
        return buffer.array();
    }

    /**
     * The same model as a bundle: every float initializer's data moved to {@code weights.bin} (external data, one after
     * the other), the model saved as {@code model.onnx} beside it.
     */
    public static byte[] bundleOf(byte[] onnx) {
        ModelProto.Builder model;
        try {
            model = ModelProto.parseFrom(onnx).toBuilder();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model", e);
        }
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        GraphProto.Builder graph = model.getGraphBuilder();
        for (TensorProto.Builder tensor : graph.getInitializerBuilderList()) {
            if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                continue;
            }
            byte[] data = tensor.getRawData().size() > 0 ? tensor.getRawData().toByteArray() : floats(tensor.getFloatDataList());
            int offset = weights.size();
            weights.writeBytes(data);
            tensor.clearRawData().clearFloatData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Integer.toString(offset)))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(data.length)));
        }
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("model.onnx", model.build().toByteArray());
        entries.put("weights.bin", weights.toByteArray());
        return zip(entries);
    }

    private static byte[] floats(java.util.List<Float> values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.size()).order(ByteOrder.LITTLE_ENDIAN);
        values.forEach(buffer::putFloat);
        return buffer.array();
    }

    /** A zip of the given entries, in order (names used as given, so tests can write hostile ones). */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static GraphProto.Builder graph(int features) {
        return GraphProto.newBuilder().setName("sum")
                .addInput(value("input", TensorProto.DataType.FLOAT, -1, features))
                .addOutput(value("output", TensorProto.DataType.FLOAT, -1, 1))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("matmul").addInput("input").addInput("W")
                        .addOutput("output"));
    }

    private static ModelProto.Builder model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("bountymarket-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph);
    }

    private static TensorProto.Builder external(String name, int features, String location) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(features).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("0"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(4 * features)));
    }

    private static TensorProto.Builder embedded(String name, int features) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(features).addDims(1).setRawData(com.google.protobuf.ByteString.copyFrom(weights(features)));
    }

    private static NodeProto.Builder constant(String output, TensorProto.Builder value) {
        return NodeProto.newBuilder().setOpType("Constant").setName("constant_" + output).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(value));
    }

    private static ValueInfoProto.Builder value(String name, TensorProto.DataType type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)));
    }
}
