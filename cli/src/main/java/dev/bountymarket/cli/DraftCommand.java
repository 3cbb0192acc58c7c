package dev.bountymarket.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "draft", mixinStandardHelpOptions = true,
        description = {"Sponsors: draft a bounty from its spec, public sample and hidden test set (uploaded with a "
                + "progress bar; the test set is stored encrypted and served to nobody until it is revealed).",
                "Then fund it with: bountymarket fund ID ..."})
final class DraftCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--title", required = true, description = "The bounty's title.")
    String title;

    @Option(names = "--description", defaultValue = "", description = "What the task is, for contributors.")
    String description;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The spec (JSON).")
    Path spec;

    @Option(names = "--public-sample", required = true, paramLabel = "FILE", description = "The public sample, with labels.")
    Path publicSample;

    @Option(names = "--test-set", required = true, paramLabel = "FILE", description = "The hidden test set.")
    Path testSet;

    @Override
    public Integer call() throws IOException {
        String server = main.server();
        Api api = new Api(server, Optional.of(TokenStore.standard().require(server).token()));
        String specJson;
        String specHash;
        try {
            specJson = Files.readString(spec);
            specHash = BountySpec.parse(specJson).hash();
        } catch (EvaluationException e) {
            throw new CliException(ExitCodes.LOCAL, spec + " is not a valid spec: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot read " + spec + ": " + e.getMessage());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("title", title);
        fields.put("description", description);
        fields.put("spec", specJson);
        fields.put("publicSampleSha256", Hashes.sha256(publicSample));
        fields.put("testSetSha256", Hashes.sha256(testSet));
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("publicSample", publicSample);
        files.put("testSet", testSet);
        JsonNode draft = api.multipart("/api/drafts", fields, files, System.err);
        if (!specHash.equalsIgnoreCase(draft.path("specHash").asText())) {
            throw new CliException(ExitCodes.REMOTE, "the server drafted specHash " + draft.path("specHash").asText()
                    + ", but your spec hashes to " + specHash);
        }
        if (main.json()) {
            System.out.println(draft.toPrettyString());
        } else {
            System.out.println("Drafted bounty " + draft.path("id").asText() + " (specHash " + specHash
                    + ", test-set commitment " + draft.path("testSetCommitment").asText() + ")");
            System.out.println("Fund it with: bountymarket fund " + draft.path("id").asText()
                    + " --reward WEI --arbiter ADDRESS --rpc URL");
        }
        return ExitCodes.OK;
    }
}
