package dev.bountymarket.evaluator.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds every tensor of an ONNX model whose data lives outside the model file ("external data"), before ONNX
 * Runtime sees the model. ONNX Runtime reads such data from whatever file the model names, relative to the model's
 * folder; a model that names the test set lying beside it reads the hidden labels. So the evaluator refuses external
 * data in a plain model, and in a {@link ModelBundle} allows only the bundle's own files.
 *
 * <p>The walk reads the protobuf wire format as a stream, skipping tensor bytes, so a 2 GB model costs no more memory
 * than a small one. It visits every place ONNX allows a tensor: graph initializers and sparse initializers, node
 * attributes (a {@code Constant}'s value, tensors lists, sparse tensors), subgraphs of {@code If}/{@code Loop}/
 * {@code Scan} (attributes {@code g} and {@code graphs}), function bodies and their attribute defaults, and the
 * graphs of training info. A tensor counts as external when its {@code data_location} is EXTERNAL or when it carries
 * any {@code external_data} entry (ONNX Runtime only looks at the first; refusing both leaves no gap).
 */
public final class ExternalData {
    /** How ONNX asks for the weights to be kept inside the file. */
    public static final String HOW_TO_EMBED = "save the model with its weights inside the file, e.g. in Python"
            + " onnx.save(model, path, save_as_external_data=False) (models under 2 GB), or upload a model bundle"
            + " (a .zip with one .onnx and its data files side by side)";

    private static final int MAX_DEPTH = 64;

    // Field numbers of onnx.proto (ONNX 1.x), only those that can hold a tensor somewhere below them.
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_TRAINING_INFO = 20;
    private static final int MODEL_FUNCTIONS = 25;
    private static final int TRAINING_INITIALIZATION = 1;
    private static final int TRAINING_ALGORITHM = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    private static final int FUNCTION_NODE = 7;
    private static final int FUNCTION_ATTRIBUTE_PROTO = 11;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_T = 5;
    private static final int ATTRIBUTE_G = 6;
    private static final int ATTRIBUTE_TENSORS = 10;
    private static final int ATTRIBUTE_GRAPHS = 11;
    private static final int ATTRIBUTE_SPARSE_TENSOR = 22;
    private static final int ATTRIBUTE_SPARSE_TENSORS = 23;
    private static final int SPARSE_VALUES = 1;
    private static final int SPARSE_INDICES = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int LOCATION_EXTERNAL = 1;

    /** A tensor stored outside the model: its name and the file it names (null when it names none). */
    public record Reference(String tensor, String location) {
        String describe() {
            return "tensor '" + tensor + "' " + (location == null ? "declares external data" : "reads its data from '"
                    + location + "'");
        }
    }

    private enum Kind { MODEL, GRAPH, NODE, ATTRIBUTE, FUNCTION, TRAINING, TENSOR, SPARSE }

    private final CodedInputStream in;
    private final List<Reference> found = new ArrayList<>();

    private ExternalData(InputStream stream) {
        in = CodedInputStream.newInstance(stream, 1 << 16);
        in.setSizeLimit(Integer.MAX_VALUE);
    }

    /** Every external-data reference of the model read from {@code stream}, in file order. */
    public static List<Reference> find(InputStream stream, String displayName) throws EvaluationException {
        ExternalData walk = new ExternalData(stream);
        try {
            walk.message(Kind.MODEL, 0);
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, displayName + " is not a readable ONNX model: "
                    + (message.contains("truncated") ? "the file ends in the middle of its content (cut short?)"
                            : "its protobuf encoding is broken (" + message + ")"), e);
        }
        return walk.found;
    }

    /** Refuses a plain model (not a bundle) that keeps any tensor outside its own file. */
    public static void requireNone(Path model, String displayName) throws EvaluationException {
        List<Reference> references;
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(model))) {
            references = find(stream, displayName);
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model file " + displayName
                    + " cannot be read: " + e.getMessage(), e);
        }
        if (!references.isEmpty()) {
            throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, displayName + " keeps "
                    + (references.size() == 1 ? "a tensor" : references.size() + " tensors") + " outside the model file ("
                    + references.get(0).describe() + "); a model can only be evaluated from its own bytes: "
                    + HOW_TO_EMBED);
        }
    }

    /**
     * Refuses references of a bundle's model that name anything but a plain file name among {@code files} (the
     * bundle's data files): no folders, no {@code ..}, no absolute or {@code /proc} paths, no missing files.
     */
    static void requireInside(List<Reference> references, Set<String> files, String displayName)
            throws EvaluationException {
        for (Reference reference : references) {
            String location = reference.location();
            if (location == null || !ModelBundle.isPlainName(location) || !files.contains(location)) {
                throw new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model bundle " + displayName + " has "
                        + reference.describe() + ", which is not "
                        + (location != null && ModelBundle.isPlainName(location) ? "one of the bundle's files "
                                + files : "a plain file name inside the bundle")
                        + "; external data must name a file at the top of the bundle, e.g. 'weights.bin'");
            }
        }
    }

    private void message(Kind kind, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("messages nested more than " + MAX_DEPTH + " deep");
        }
        String tensorName = null;
        String location = null;
        boolean external = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            Kind child = wire == WireFormat.WIRETYPE_LENGTH_DELIMITED ? childKind(kind, field) : null;
            if (child != null) {
                int limit = in.pushLimit(in.readRawVarint32());
                message(child, depth + 1);
                in.popLimit(limit);
            } else if (kind == Kind.TENSOR && field == TENSOR_NAME && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                tensorName = in.readStringRequireUtf8();
            } else if (kind == Kind.TENSOR && field == TENSOR_EXTERNAL_DATA
                    && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                external = true;
                int limit = in.pushLimit(in.readRawVarint32());
                String[] entry = entry();
                in.popLimit(limit);
                if ("location".equals(entry[0])) {
                    location = entry[1];
                }
            } else if (kind == Kind.TENSOR && field == TENSOR_DATA_LOCATION && wire == WireFormat.WIRETYPE_VARINT) {
                external |= in.readEnum() == LOCATION_EXTERNAL;
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        if (external) {
            found.add(new Reference(tensorName == null ? "" : tensorName, location));
        }
    }

    private String[] entry() throws IOException {
        String[] entry = new String[2];
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if ((field == ENTRY_KEY || field == ENTRY_VALUE) && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                entry[field - 1] = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return entry;
    }

    /** The kind of message field {@code field} of a {@code parent} holds, when a tensor can lie below it. */
    private static Kind childKind(Kind parent, int field) {
        return switch (parent) {
            case MODEL -> switch (field) {
                case MODEL_GRAPH -> Kind.GRAPH;
                case MODEL_TRAINING_INFO -> Kind.TRAINING;
                case MODEL_FUNCTIONS -> Kind.FUNCTION;
                default -> null;
            };
            case TRAINING -> field == TRAINING_INITIALIZATION || field == TRAINING_ALGORITHM ? Kind.GRAPH : null;
            case GRAPH -> switch (field) {
                case GRAPH_NODE -> Kind.NODE;
                case GRAPH_INITIALIZER -> Kind.TENSOR;
                case GRAPH_SPARSE_INITIALIZER -> Kind.SPARSE;
                default -> null;
            };
            case FUNCTION -> switch (field) {
                case FUNCTION_NODE -> Kind.NODE;
                case FUNCTION_ATTRIBUTE_PROTO -> Kind.ATTRIBUTE;
                default -> null;
            };
            case NODE -> field == NODE_ATTRIBUTE ? Kind.ATTRIBUTE : null;
            case ATTRIBUTE -> switch (field) {
                case ATTRIBUTE_T, ATTRIBUTE_TENSORS -> Kind.TENSOR;
                case ATTRIBUTE_G, ATTRIBUTE_GRAPHS -> Kind.GRAPH;
                case ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS -> Kind.SPARSE;
                default -> null;
            };
            case SPARSE -> field == SPARSE_VALUES || field == SPARSE_INDICES ? Kind.TENSOR : null;
            case TENSOR -> null;
        };
    }
}
