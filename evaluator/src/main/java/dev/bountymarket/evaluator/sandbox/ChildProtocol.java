package dev.bountymarket.evaluator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.model.DevicePreference;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The files parent and child exchange: a request file in, a result file (envelope or error) out. */
final class ChildProtocol {
    static final JsonMapper MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    /** Exit code of a child that wrote a typed error. */
    static final int EXIT_TYPED_FAILURE = 2;
    /** Exit code of a child that failed in an unexpected way (it still tries to write an error). */
    static final int EXIT_UNEXPECTED = 1;
    /** Exit code the JVM uses for -XX:+ExitOnOutOfMemoryError. */
    static final int EXIT_OUT_OF_MEMORY = 3;

    private ChildProtocol() {}

    static void writeRequest(Path file, EvaluationRequest request) throws IOException {
        ObjectNode root = CanonicalJson.NODES.objectNode();
        root.set("spec", request.spec().toJson());
        root.put("model", request.model().toAbsolutePath().toString());
        root.put("testSet", request.testSet().toAbsolutePath().toString());
        root.put("threads", request.options().threads());
        root.put("device", request.options().device().name());
        if (request.decoded()) {
            root.put("decoded", true);
        }
        if (request.rows() != null) {
            ObjectNode split = root.putObject("split");
            split.put("salt", request.rows().split().saltHex());
            split.put("sharePercent", request.rows().split().sharePercent());
            split.put("part", request.rows().part().wireName());
        }
        Files.writeString(file, CanonicalJson.string(root), StandardCharsets.UTF_8);
    }

    static EvaluationRequest readRequest(Path file) throws IOException, EvaluationException {
        JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        BountySpec spec = BountySpec.fromJson(root.get("spec"));
        JsonNode split = root.get("split");
        LiveSplit.Selection rows = split == null ? null : new LiveSplit.Selection(
                LiveSplit.of(split.get("salt").asText(), split.get("sharePercent").asInt()),
                LiveSplit.Part.fromWire(split.get("part").asText()));
        return new EvaluationRequest(spec, Path.of(root.get("model").asText()), Path.of(root.get("testSet").asText()),
                new ModelOptions(root.path("threads").asInt(0), DevicePreference.valueOf(root.path("device").asText("AUTO"))),
                rows, root.path("decoded").asBoolean(false));
    }

    static void writeError(Path file, EvaluationException error) throws IOException {
        ObjectNode root = CanonicalJson.NODES.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("code", error.code().name());
        e.put("message", error.getMessage());
        writeAtomically(file, CanonicalJson.string(root));
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a result file: the typed error it holds, or null if it holds an envelope. */
    static EvaluationException readError(String text) throws IOException {
        JsonNode root = MAPPER.readTree(text);
        JsonNode error = root.get("error");
        if (error == null) {
            return null;
        }
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(error.path("code").asText());
        } catch (IllegalArgumentException e) {
            code = ErrorCode.INTERNAL_ERROR;
        }
        return new EvaluationException(code, error.path("message").asText());
    }
}
