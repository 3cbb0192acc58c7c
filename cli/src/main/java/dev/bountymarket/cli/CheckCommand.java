package dev.bountymarket.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Run a model on the bounty's public sample here, with the server's evaluator and limits, before "
                + "any upload: its public score, or the exact message the server would refuse it with.",
        footer = {"", "Exit codes: 0 the model runs; 1 it was refused (the message says why and whose fault)."})
final class CheckCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "The bounty's id on the server.")
    long id;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX model (or model bundle zip).")
    Path model;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(model)) {
            throw new CliException(ExitCodes.LOCAL, "no model file " + model);
        }
        Api api = new Api(main.server(), Optional.empty());
        Path work;
        try {
            work = Files.createTempDirectory("bountymarket-check-");
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot make a temporary folder: " + e.getMessage());
        }
        try {
            Path specFile = work.resolve("spec.json");
            api.download("/api/bounties/" + id + "/spec", specFile).orElseThrow(() ->
                    new CliException(ExitCodes.REMOTE, "the server does not publish bounty " + id + "'s spec"));
            BountySpec spec = BountySpec.parse(specFile);
            Path sample = Files.createDirectory(work.resolve("sample"))
                    .resolve(spec.input() instanceof ImageInput ? "sample.zip" : "sample.csv");
            api.download("/api/bounties/" + id + "/public-sample", sample).orElseThrow(() ->
                    new CliException(ExitCodes.REMOTE, "the server does not publish bounty " + id + "'s public sample"));
            // named as the server names an upload, so that the evaluator's messages read the same
            Path copy = Files.createDirectory(work.resolve("model")).resolve(displayName(model.getFileName().toString()));
            Files.copy(model, copy);
            EvaluationOutcome outcome = new SandboxedEvaluator(SandboxLimits.defaults()).sizedFor(spec, Files.size(sample))
                    .validate(spec, copy, sample);
            return print(outcome);
        } catch (EvaluationException e) {
            throw new CliException(ExitCodes.REMOTE, "the server's spec is not valid: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot prepare the check: " + e.getMessage());
        } finally {
            delete(work);
        }
    }

    private int print(EvaluationOutcome outcome) {
        if (outcome instanceof EvaluationOutcome.Failure failure) {
            EvaluationException error = failure.error();
            if (main.json()) {
                System.out.println(Api.JSON.createObjectNode().put("ok", false).put("code", error.code().name())
                        .put("message", error.getMessage()).toPrettyString());
            } else {
                System.out.println("REFUSED (" + error.code().name() + ", " + error.code().party().name().toLowerCase()
                        + "'s side): " + error.getMessage());
            }
            return ExitCodes.MISMATCH;
        }
        EvaluationResult result = ((EvaluationOutcome.Success) outcome).result();
        if (main.json()) {
            System.out.println(Api.JSON.createObjectNode().put("ok", true).put("publicScore", result.report().score())
                    .put("metric", result.report().metric()).put("reportHash", result.report().hash()).toPrettyString());
        } else {
            System.out.println("OK: public score " + result.report().score() + " (" + result.report().metric() + " = "
                    + result.report().metrics().get(result.report().metric()) + ", fixed point 1e6) on "
                    + result.report().rows() + " rows; submit it with: bountymarket submit " + id + " --model " + model);
        }
        return ExitCodes.OK;
    }

    /** The server's name for an uploaded file (SubmissionService.displayName): a plain file name, model.onnx if none. */
    static String displayName(String uploadedName) {
        String name = uploadedName == null ? "" : uploadedName.replaceAll(".*[/\\\\]", "")
                .replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "model.onnx" : name;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
