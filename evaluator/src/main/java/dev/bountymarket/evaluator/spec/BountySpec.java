package dev.bountymarket.evaluator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A bounty's evaluation contract: the task, the primary metric, how to feed the model and how to read its
 * output. Its {@linkplain #hash() hash} (keccak256 of the {@linkplain #canonicalJson() canonical JSON}) is
 * what goes on chain. The canonical form spells out every default, so two specs that mean the same thing
 * hash the same. Format: evaluator/README.md.
 */
public record BountySpec(
        int version,
        Task task,
        MetricName metric,
        List<String> classes,
        InputSpec input,
        LabelSpec label,
        OutputSpec output,
        LiveBoardSpec liveBoard) {

    public static final int CURRENT_VERSION = 1;

    public BountySpec {
        classes = List.copyOf(classes);
        liveBoard = liveBoard == null ? LiveBoardSpec.DEFAULTS : liveBoard;
    }

    /** Parses and checks a spec; every problem is an {@link ErrorCode#INVALID_SPEC} naming the field. */
    public static BountySpec parse(String json) throws EvaluationException {
        return SpecParser.parse(json);
    }

    public static BountySpec parse(Path file) throws EvaluationException {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new EvaluationException(ErrorCode.INVALID_SPEC, "cannot read the bounty spec " + file + ": " + e);
        }
    }

    public int classCount() {
        return classes.size();
    }

    /** The spec as a JSON tree with every default filled in. */
    public ObjectNode toJson() {
        ObjectNode root = CanonicalJson.NODES.objectNode();
        root.put("version", version);
        root.put("task", task.wireName());
        root.put("metric", metric.wireName());
        if (task.isClassification()) {
            ArrayNode classArray = root.putArray("classes");
            classes.forEach(classArray::add);
        }
        ObjectNode in = root.putObject("input");
        input.name().ifPresent(name -> in.put("name", name));
        if (input instanceof TabularInput tabular) {
            in.put("kind", "tabular");
            ArrayNode features = in.putArray("features");
            tabular.features().forEach(features::add);
        } else if (input instanceof ImageInput image) {
            in.put("kind", "image");
            in.put("height", image.height());
            in.put("width", image.width());
            in.put("channels", image.channels());
            in.put("channelOrder", image.channelOrder().name());
            in.put("layout", image.layout().name());
            ArrayNode mean = in.putArray("mean");
            image.mean().forEach(mean::add);
            ArrayNode std = in.putArray("std");
            image.std().forEach(std::add);
            in.put("resize", image.resize());
        }
        ObjectNode labelNode = root.putObject("label");
        labelNode.put("column", label.column());
        if (label.file() != null) {
            labelNode.put("file", label.file());
        }
        if (label.imageColumn() != null) {
            labelNode.put("imageColumn", label.imageColumn());
        }
        ObjectNode out = root.putObject("output");
        output.name().ifPresent(name -> out.put("name", name));
        out.put("kind", output.kind().wireName());
        out.put("shape", output.shape().wireName());
        ObjectNode live = root.putObject("liveBoard");
        live.put("sharePercent", liveBoard.sharePercent());
        live.put("scoringsPerDay", liveBoard.scoringsPerDay());
        return root;
    }

    /** Sorted keys, no whitespace, defaults spelled out: the bytes that are hashed. */
    public String canonicalJson() {
        return CanonicalJson.string(toJson());
    }

    /** {@code specHash = keccak256(canonical JSON bytes)}, 0x-prefixed hex. */
    public String hash() {
        return Hashes.keccak256(canonicalJson().getBytes(StandardCharsets.UTF_8));
    }

    /** Convenience for tests and tools that hold the parsed tree already. */
    public static BountySpec fromJson(JsonNode node) throws EvaluationException {
        return SpecParser.parse(node);
    }
}
