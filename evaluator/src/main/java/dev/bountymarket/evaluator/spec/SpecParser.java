package dev.bountymarket.evaluator.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.report.CanonicalJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Strict reading of a spec: unknown keys, wrong types and inconsistent choices are all rejected. */
final class SpecParser {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .nodeFactory(CanonicalJson.NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final int MAX_IMAGE_SIDE = 4096;

    private SpecParser() {}

    static BountySpec parse(String json) throws EvaluationException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("the bounty spec is not valid JSON: " + e.getOriginalMessage());
        }
        return parse(root);
    }

    static BountySpec parse(JsonNode root) throws EvaluationException {
        Obj spec = new Obj(root, "spec");
        int version = spec.requiredInt("version");
        if (version != BountySpec.CURRENT_VERSION) {
            throw invalid("spec.version " + version + " is not supported (this evaluator reads version "
                    + BountySpec.CURRENT_VERSION + ")");
        }
        String taskName = spec.requiredString("task");
        Task task = WireNamed.fromWire(Task.class, taskName);
        if (task == null) {
            throw invalid("spec.task '" + taskName + "' is not one of binary_classification, "
                    + "multiclass_classification, regression");
        }
        String metricName = spec.requiredString("metric");
        MetricName metric = WireNamed.fromWire(MetricName.class, metricName);
        if (metric == null) {
            throw invalid("spec.metric '" + metricName + "' is not one of " + wireNames(MetricName.values()));
        }
        if (!metric.appliesTo(task)) {
            throw invalid("spec.metric '" + metricName + "' does not apply to task " + task.wireName());
        }
        List<String> classes = List.of();
        if (task.isClassification()) {
            classes = spec.requiredStrings("classes");
            if (classes.size() < 2) {
                throw invalid("spec.classes needs at least 2 classes");
            }
            if (task == Task.BINARY_CLASSIFICATION && classes.size() != 2) {
                throw invalid("spec.classes of a binary_classification has exactly 2 classes (the second is"
                        + " the positive class), found " + classes.size());
            }
            if (new HashSet<>(classes).size() != classes.size()) {
                throw invalid("spec.classes has duplicates: " + classes);
            }
        } else if (spec.has("classes")) {
            throw invalid("spec.classes is only for classification tasks");
        }
        InputSpec input = parseInput(spec.requiredObject("input"));
        LabelSpec label = parseLabel(spec.optionalObject("label"), input);
        OutputSpec output = parseOutput(spec.requiredObject("output"), task, metric);
        LiveBoardSpec liveBoard = parseLiveBoard(spec.optionalObject("liveBoard"));
        spec.rejectUnknownKeys();
        return new BountySpec(version, task, metric, classes, input, label, output, liveBoard);
    }

    private static LiveBoardSpec parseLiveBoard(Obj live) throws EvaluationException {
        if (live == null) {
            return LiveBoardSpec.DEFAULTS;
        }
        int share = live.optionalInt("sharePercent", LiveBoardSpec.DEFAULT_SHARE_PERCENT);
        if (share < LiveBoardSpec.MIN_SHARE_PERCENT || share > LiveBoardSpec.MAX_SHARE_PERCENT) {
            throw invalid("spec.liveBoard.sharePercent " + share + " is outside " + LiveBoardSpec.MIN_SHARE_PERCENT
                    + " to " + LiveBoardSpec.MAX_SHARE_PERCENT + " (the percentage of the hidden test set the live"
                    + " leaderboard scores; the rest decides the payout)");
        }
        int perDay = live.optionalInt("scoringsPerDay", LiveBoardSpec.DEFAULT_SCORINGS_PER_DAY);
        if (perDay < 1 || perDay > LiveBoardSpec.MAX_SCORINGS_PER_DAY) {
            throw invalid("spec.liveBoard.scoringsPerDay " + perDay + " is outside 1 to "
                    + LiveBoardSpec.MAX_SCORINGS_PER_DAY + " (live-board scorings per contributor per day)");
        }
        live.rejectUnknownKeys();
        return new LiveBoardSpec(share, perDay);
    }

    private static InputSpec parseInput(Obj in) throws EvaluationException {
        String kind = in.requiredString("kind");
        String name = in.optionalString("name", null);
        InputSpec input;
        switch (kind) {
            case "tabular" -> {
                List<String> features = in.requiredStrings("features");
                if (features.isEmpty()) {
                    throw invalid("spec.input.features is empty");
                }
                if (new HashSet<>(features).size() != features.size()) {
                    throw invalid("spec.input.features has duplicates");
                }
                input = new TabularInput(name, features);
            }
            case "image" -> {
                int height = in.requiredInt("height");
                int width = in.requiredInt("width");
                int channels = in.requiredInt("channels");
                if (height < 1 || width < 1 || height > MAX_IMAGE_SIDE || width > MAX_IMAGE_SIDE) {
                    throw invalid("spec.input height and width must be within 1.." + MAX_IMAGE_SIDE);
                }
                if (channels != 1 && channels != 3) {
                    throw invalid("spec.input.channels must be 1 (grey) or 3 (colour), found " + channels);
                }
                ImageInput.ChannelOrder order =
                        enumValue(ImageInput.ChannelOrder.class, in.optionalString("channelOrder", "RGB"),
                                "spec.input.channelOrder");
                ImageInput.Layout layout =
                        enumValue(ImageInput.Layout.class, in.optionalString("layout", "NCHW"), "spec.input.layout");
                List<BigDecimal> mean = in.optionalDecimals("mean", channels, BigDecimal.ZERO);
                List<BigDecimal> std = in.optionalDecimals("std", channels, BigDecimal.ONE);
                for (BigDecimal s : std) {
                    if (s.signum() <= 0) {
                        throw invalid("spec.input.std values must be positive");
                    }
                }
                String resize = in.optionalString("resize", "bilinear");
                if (!resize.equals("bilinear")) {
                    throw invalid("spec.input.resize '" + resize + "' is not supported (bilinear)");
                }
                if ((long) height * width * channels > 64L << 20) {
                    throw invalid("spec.input image is too large");
                }
                input = new ImageInput(name, height, width, channels, order, layout, mean, std, resize);
            }
            default -> throw invalid("spec.input.kind '" + kind + "' is not one of tabular, image");
        }
        in.rejectUnknownKeys();
        return input;
    }

    private static LabelSpec parseLabel(Obj label, InputSpec input) throws EvaluationException {
        LabelSpec result;
        if (input instanceof TabularInput tabular) {
            String column = label == null ? "label" : label.optionalString("column", "label");
            if (tabular.features().contains(column)) {
                throw invalid("spec.label.column '" + column + "' is also a feature column");
            }
            result = new LabelSpec(column, null, null);
        } else {
            String column = label == null ? "label" : label.optionalString("column", "label");
            String file = label == null ? "labels.csv" : label.optionalString("file", "labels.csv");
            String imageColumn = label == null ? "file" : label.optionalString("imageColumn", "file");
            if (column.equals(imageColumn)) {
                throw invalid("spec.label.column and spec.label.imageColumn must differ");
            }
            result = new LabelSpec(column, file, imageColumn);
        }
        if (label != null) {
            label.rejectUnknownKeys();
        }
        return result;
    }

    private static OutputSpec parseOutput(Obj out, Task task, MetricName metric) throws EvaluationException {
        String name = out.optionalString("name", null);
        String kindName = out.requiredString("kind");
        OutputKind kind = WireNamed.fromWire(OutputKind.class, kindName);
        if (kind == null) {
            throw invalid("spec.output.kind '" + kindName + "' is not one of probabilities, logits, labels, values");
        }
        if (task.isClassification() == (kind == OutputKind.VALUES)) {
            throw invalid("spec.output.kind '" + kindName + "' does not fit task " + task.wireName()
                    + (task.isClassification() ? " (use probabilities, logits or labels)" : " (use values)"));
        }
        if (kind == OutputKind.LABELS && metric.needsScores()) {
            throw invalid("spec.metric " + metric.wireName() + " needs probabilities or logits, not labels");
        }
        OutputShape defaultShape = switch (kind) {
            case PROBABILITIES, LOGITS -> OutputShape.PER_CLASS;
            case LABELS -> OutputShape.VECTOR;
            case VALUES -> OutputShape.COLUMN;
        };
        String shapeName = out.optionalString("shape", defaultShape.wireName());
        OutputShape shape = WireNamed.fromWire(OutputShape.class, shapeName);
        if (shape == null) {
            throw invalid("spec.output.shape '" + shapeName + "' is not one of [N,C], [N], [N,1]");
        }
        if (shape == OutputShape.PER_CLASS && (kind == OutputKind.LABELS || kind == OutputKind.VALUES)) {
            throw invalid("spec.output.shape [N,C] is for probabilities or logits");
        }
        if (shape.singleColumn() && task == Task.MULTICLASS_CLASSIFICATION && kind != OutputKind.LABELS) {
            throw invalid("spec.output.shape " + shapeName + " with " + kindName
                    + " only fits binary tasks (one score per row); use [N,C]");
        }
        out.rejectUnknownKeys();
        return new OutputSpec(name, kind, shape);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field)
            throws EvaluationException {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name());
        }
        throw invalid(field + " '" + value + "' is not one of " + names);
    }

    private static String wireNames(MetricName[] metrics) {
        List<String> names = new ArrayList<>();
        for (MetricName metric : metrics) {
            names.add(metric.wireName());
        }
        return String.join(", ", names);
    }

    static EvaluationException invalid(String message) {
        return new EvaluationException(ErrorCode.INVALID_SPEC, message);
    }

    /** A JSON object whose keys are checked off as they are read, so leftovers can be reported. */
    private static final class Obj {
        private final JsonNode node;
        private final String path;
        private final Set<String> read = new HashSet<>();

        Obj(JsonNode node, String path) throws EvaluationException {
            if (node == null || !node.isObject()) {
                throw invalid(path + " must be a JSON object");
            }
            this.node = node;
            this.path = path;
        }

        boolean has(String key) {
            return node.has(key);
        }

        private JsonNode required(String key) throws EvaluationException {
            read.add(key);
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                throw invalid(path + "." + key + " is required");
            }
            return value;
        }

        int requiredInt(String key) throws EvaluationException {
            JsonNode value = required(key);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw invalid(path + "." + key + " must be an integer");
            }
            return value.intValue();
        }

        int optionalInt(String key, int fallback) throws EvaluationException {
            return node.hasNonNull(key) ? requiredInt(key) : markRead(key, fallback);
        }

        String requiredString(String key) throws EvaluationException {
            JsonNode value = required(key);
            if (!value.isTextual()) {
                throw invalid(path + "." + key + " must be a string");
            }
            return value.textValue();
        }

        String optionalString(String key, String fallback) throws EvaluationException {
            return node.hasNonNull(key) ? requiredString(key) : markRead(key, fallback);
        }

        private <T> T markRead(String key, T value) {
            read.add(key);
            return value;
        }

        List<String> requiredStrings(String key) throws EvaluationException {
            JsonNode value = required(key);
            if (!value.isArray()) {
                throw invalid(path + "." + key + " must be an array of strings");
            }
            List<String> result = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw invalid(path + "." + key + " must be an array of strings");
                }
                result.add(item.textValue());
            }
            return result;
        }

        List<BigDecimal> optionalDecimals(String key, int size, BigDecimal fallback) throws EvaluationException {
            read.add(key);
            JsonNode value = node.get(key);
            List<BigDecimal> result = new ArrayList<>();
            if (value == null || value.isNull()) {
                for (int i = 0; i < size; i++) {
                    result.add(fallback);
                }
                return result;
            }
            if (!value.isArray() || value.size() != size) {
                throw invalid(path + "." + key + " must be an array of " + size + " numbers (one per channel)");
            }
            for (JsonNode item : value) {
                if (!item.isNumber()) {
                    throw invalid(path + "." + key + " must be an array of numbers");
                }
                result.add(item.decimalValue());
            }
            return result;
        }

        Obj requiredObject(String key) throws EvaluationException {
            return new Obj(required(key), path + "." + key);
        }

        Obj optionalObject(String key) throws EvaluationException {
            read.add(key);
            JsonNode value = node.get(key);
            return value == null || value.isNull() ? null : new Obj(value, path + "." + key);
        }

        void rejectUnknownKeys() throws EvaluationException {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!read.contains(key)) {
                    throw invalid(path + "." + key + " is not a field of the spec format (version "
                            + BountySpec.CURRENT_VERSION + ")");
                }
            }
        }
    }
}
