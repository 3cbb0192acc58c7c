package dev.bountymarket.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.bountymarket.cli.audit.Artifacts;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a bounty's public files into a folder, each checked by its hash: the spec (against "
                + "specHash), the public sample, and once published the test set, the results document (against "
                + "reportHash) and the winning models (against their sha256).",
                "The folder is what `audit --artifacts DIR` reads; audit checks every hash against the chain itself."})
final class DownloadCommand implements Callable<Integer> {
    private static final JsonMapper CANONICAL = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "The bounty's id on the server.")
    long id;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the files (default: ./bounty-ID).")
    Path dir;

    private record Downloaded(String file, String sha256, String checked) {
    }

    @Override
    public Integer call() {
        Path target = dir != null ? dir : Path.of("bounty-" + id);
        TokenStore store = TokenStore.standard();
        Api api = new Api(main.server(), store.find(main.server()).map(TokenStore.Entry::token));
        JsonNode bounty = api.get("/api/bounties/" + id);
        List<Downloaded> files = new ArrayList<>();

        Path specFile = target.resolve("spec.json");
        String specSha = api.download("/api/bounties/" + id + "/spec", specFile).orElseThrow(() ->
                new CliException(ExitCodes.REMOTE, "the server does not publish bounty " + id + "'s spec"));
        BountySpec spec;
        try {
            spec = BountySpec.parse(specFile);
        } catch (EvaluationException e) {
            throw new CliException(ExitCodes.REMOTE, "the server's spec is not valid: " + e.getMessage());
        }
        expect("spec.json", spec.hash(), bounty.path("specHash").asText(), "specHash");
        files.add(new Downloaded("spec.json", specSha, "specHash " + spec.hash()));

        boolean images = spec.input() instanceof ImageInput;
        String sampleName = images ? "public-sample.zip" : "public-sample.csv";
        api.download("/api/bounties/" + id + "/public-sample", target.resolve(sampleName))
                .ifPresent(sha -> files.add(new Downloaded(sampleName, sha, "-")));

        if (bounty.path("testSetRevealed").asBoolean(false)) {
            String name = Artifacts.testSetName(images);
            api.download("/api/bounties/" + id + "/test-set", target.resolve(name))
                    .ifPresent(sha -> files.add(new Downloaded(name, sha, "by audit, against the reveal on-chain")));
        }
        if (bounty.hasNonNull("reportHash")) {
            Path results = target.resolve("results.json");
            Optional<String> sha = api.download("/api/bounties/" + id + "/results", results);
            if (sha.isPresent()) {
                String hash = keccakOfDocument(results);
                expect("results.json", hash, bounty.get("reportHash").asText(), "reportHash");
                files.add(new Downloaded("results.json", sha.get(), "reportHash " + hash));
            }
            JsonNode board = api.get("/api/bounties/" + id + "/leaderboard?board=private&size=100");
            for (JsonNode entry : board.path("items")) {
                String modelSha = entry.path("modelSha256").asText("");
                if (!entry.path("paid").asBoolean(false) || modelSha.isEmpty()) {
                    continue;
                }
                String expected = (modelSha.startsWith("0x") ? modelSha : "0x" + modelSha).toLowerCase(Locale.ROOT);
                Path model = Artifacts.modelPath(target, expected);
                Optional<String> got = api.download("/api/submissions/" + entry.path("submissionId").asText() + "/model",
                        model);
                if (got.isPresent()) {
                    expect(target.relativize(model).toString(), got.get(), expected, "the model's sha256");
                    files.add(new Downloaded(target.relativize(model).toString(), got.get(), "sha256 as ranked"));
                }
            }
        }
        if (main.json()) {
            ArrayNode list = Api.JSON.createArrayNode();
            files.forEach(f -> list.addObject().put("file", target.resolve(f.file()).toString()).put("sha256", f.sha256())
                    .put("checked", f.checked()));
            System.out.println(list.toPrettyString());
        } else {
            Table table = new Table("FILE", "SHA256", "CHECKED AGAINST");
            files.forEach(f -> table.row(target.resolve(f.file()), f.sha256(), f.checked()));
            table.print(System.out);
        }
        return ExitCodes.OK;
    }

    static String keccakOfDocument(Path file) {
        try {
            return Hashes.keccak256(CanonicalJson.bytes(CANONICAL.readTree(Files.readString(file, StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new CliException(ExitCodes.REMOTE, file + " is not JSON: " + e.getMessage());
        }
    }

    private static void expect(String file, String actual, String expected, String what) {
        if (!actual.equalsIgnoreCase(expected)) {
            throw new CliException(ExitCodes.REMOTE, file + " does not match " + what + ": it hashes to " + actual
                    + ", expected " + expected);
        }
    }
}
