package dev.bountymarket.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.spec.BountySpec;

/**
 * The audit's two steps on real files and real evaluations (in-process), against the chain's facts as a contract
 * would hold them for a bounty with two ranked entries, a contributor's second submission and a broken one. The chain
 * reads themselves run against anvil in the server's CliIT.
 */
class AuditTest {
    private static final String ALICE = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    private static final String BOB = "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65";
    private static final String CAROL = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    private static final String SALT = "0x" + "ab".repeat(32);

    @TempDir
    static Path files;

    static ChainFacts chain;
    static String good;
    static String weak;
    static String broken;

    @BeforeAll
    static void bounty() throws Exception {
        TabularData task = new TabularData(TabularData.Kind.BINARY, 6, 2, 7);
        TabularData other = new TabularData(TabularData.Kind.BINARY, 6, 2, 99);
        List<String> labels = List.of("no", "yes");
        Path models = Files.createDirectories(files.resolve("models"));
        var classifier = TribuoModels.logisticRegression(task, 2000, labels, files.resolve("good.onnx"));
        TribuoModels.logisticRegression(other, 2000, labels, files.resolve("weak.onnx"));
        String spec = Specs.tabularJson("binary_classification", "roc_auc", classifier.classes(), task.featureNames(),
                "probabilities", "[N,C]");
        Files.writeString(files.resolve("spec.json"), spec);
        task.writeCsv(files.resolve("test-set.csv"), 1000, 3, labels);
        byte[] goodBytes = Files.readAllBytes(files.resolve("good.onnx"));
        good = move(files.resolve("good.onnx"), models);
        weak = move(files.resolve("weak.onnx"), models);
        Path brokenFile = models.resolve("broken.onnx");
        Files.write(brokenFile, java.util.Arrays.copyOf(goodBytes, goodBytes.length / 2));
        broken = move(brokenFile, models);
        BountySpec parsed = BountySpec.parse(spec);
        Report goodReport = run(parsed, good);
        Report weakReport = run(parsed, weak);

        // submissions: 0 Alice good, 1 Bob weak, 2 Alice weak (not her best), 3 Carol broken
        List<String> commitments = List.of(ChainFacts.submissionCommitment(good, ALICE),
                ChainFacts.submissionCommitment(weak, BOB), ChainFacts.submissionCommitment(weak, ALICE),
                ChainFacts.submissionCommitment(broken, CAROL));
        ObjectNode document = CanonicalJson.NODES.objectNode();
        document.put("version", 1).put("chainId", 31337).put("contract", "0x" + "11".repeat(20)).put("bountyId", "1")
                .put("specHash", parsed.hash()).put("higherIsBetter", true);
        ArrayNode entries = document.putArray("entries");
        entries.addObject().put("rank", 0).put("submissionIndex", 0).put("contributor", ALICE).put("modelSha256", good)
                .put("score", goodReport.score()).put("reportHash", goodReport.hash());
        entries.addObject().put("rank", 1).put("submissionIndex", 1).put("contributor", BOB).put("modelSha256", weak)
                .put("score", weakReport.score()).put("reportHash", weakReport.hash());
        ArrayNode excluded = document.putArray("excluded");
        excluded.addObject().put("submissionIndex", 2).put("contributor", ALICE).put("reason", "NOT_CONTRIBUTORS_BEST");
        excluded.addObject().put("submissionIndex", 3).put("contributor", CAROL).put("reason", "MODEL_UNREADABLE");
        Files.write(files.resolve("results.json"), CanonicalJson.bytes(document));
        String testSetSha = Hashes.sha256(files.resolve("test-set.csv"));
        chain = new ChainFacts("0x" + "11".repeat(20), java.math.BigInteger.ONE, 6, "0x" + "22".repeat(20),
                "0x" + "33".repeat(20), "0x" + "44".repeat(20), true, false, parsed.hash(),
                ChainFacts.testSetCommitment(testSetSha, SALT), Hashes.keccak256(CanonicalJson.bytes(document)),
                commitments, Optional.of(new ChainFacts.Reveal(testSetSha, SALT)),
                List.of(new ChainFacts.Ranked(0, 0, ALICE, good, goodReport.score(), true),
                        new ChainFacts.Ranked(1, 1, BOB, weak, weakReport.score(), true)));
    }

    private static String move(Path file, Path models) throws Exception {
        String sha = Hashes.sha256(file);
        Files.move(file, Artifacts.modelPath(models.getParent(), sha));
        return sha;
    }

    private static Report run(BountySpec spec, String modelSha) throws EvaluationException {
        return Evaluation.evaluate(new EvaluationRequest(spec, Artifacts.modelPath(files, modelSha),
                files.resolve("test-set.csv"))).report();
    }

    private static Audit.Result audit(Path dir) {
        return new Audit(chain, new FolderArtifacts(dir), (spec, request, size) -> {
            try {
                return new EvaluationOutcome.Success(Evaluation.evaluate(request));
            } catch (EvaluationException e) {
                return new EvaluationOutcome.Failure(e);
            }
        }).run();
    }

    @Test
    void audit_matchesEveryEntryAndEveryExclusion() {
        Audit.Result result = audit(files);
        List<String> lines = new ArrayList<>();
        result.checks().forEach(c -> lines.add(c.what() + " " + c.verdict() + " " + c.detail()));
        result.rows().forEach(r -> lines.add(r.entry() + " " + r.submissionIndex() + " " + r.verdict() + " " + r.reason()));
        assertEquals(Audit.Verdict.MATCH, result.overall(), String.join("\n", lines));
        assertEquals(4, result.rows().size(), "two ranked entries and two exclusions, each re-run");
        assertTrue(result.rows().get(3).reason().contains("broken.onnx") || result.rows().get(3).recomputed()
                .equals("MODEL_UNREADABLE"), result.rows().get(3).toString());
    }

    @Test
    void audit_namesAScoreRaisedInTheDocumentAndTheWrongHash() throws Exception {
        Path copy = copy("raised");
        String text = Files.readString(copy.resolve("results.json"));
        long score = chain.ranked().get(1).score();
        Files.writeString(copy.resolve("results.json"), text.replace("\"score\":" + score, "\"score\":" + (score + 1)));
        Audit.Result result = audit(copy);
        assertEquals(Audit.Verdict.MISMATCH, result.overall());
        assertTrue(result.checks().stream().anyMatch(c -> c.what().equals("results document")
                && c.verdict() == Audit.Verdict.MISMATCH), result.checks().toString());
        assertTrue(result.checks().stream().anyMatch(c -> c.what().equals("entries") && c.detail().contains("rank 1")),
                result.checks().toString());
    }

    @Test
    void audit_refusesAModelThatIsNotTheCommittedOne() throws Exception {
        Path copy = copy("model");
        Path model = Artifacts.modelPath(copy, good);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 1] ^= 1;
        Files.write(model, bytes);
        Audit.Result result = audit(copy);
        assertEquals(Audit.Verdict.MISMATCH, result.overall());
        assertTrue(result.checks().stream().anyMatch(c -> c.what().equals("model of submission 0")
                && c.verdict() == Audit.Verdict.MISMATCH), result.checks().toString());
        assertEquals(Audit.Verdict.MISMATCH, result.rows().get(0).verdict(), result.rows().get(0).toString());
    }

    @Test
    void audit_withoutTheExcludedModelsSaysWhatItCouldNotCheck() throws Exception {
        Path copy = copy("unpublished");
        Files.delete(Artifacts.modelPath(copy, broken));
        Audit.Result result = audit(copy);
        assertEquals(Audit.Verdict.UNCHECKED, result.overall());
        assertEquals(Audit.Verdict.UNCHECKED, result.rows().get(3).verdict());
    }

    @Test
    void audit_ofAConfidentialBountyChecksTheHandedOverTestSetAgainstTheCommitment() throws Exception {
        ChainFacts confidential = new ChainFacts(chain.market(), chain.bountyId(), 4, chain.sponsor(), chain.evaluator(),
                chain.arbiter(), true, true, chain.specHash(), chain.testSetCommitment(), chain.reportHash(),
                chain.commitments(), Optional.empty(), chain.ranked());
        Path copy = copy("confidential");
        Files.writeString(copy.resolve("test-set.salt"), SALT + "\n");
        Audit.Result result = new Audit(confidential, new FolderArtifacts(copy), (spec, request, size) -> {
            try {
                return new EvaluationOutcome.Success(Evaluation.evaluate(request));
            } catch (EvaluationException e) {
                return new EvaluationOutcome.Failure(e);
            }
        }).run();
        assertEquals(Audit.Verdict.MATCH, result.overall(), result.toString());

        Files.writeString(copy.resolve("test-set.salt"), "0x" + "cd".repeat(32));
        Audit.Result wrongSalt = new Audit(confidential, new FolderArtifacts(copy), (spec, request, size) -> {
            throw new AssertionError("nothing is re-run on a test set that fails its commitment");
        }).run();
        assertEquals(Audit.Verdict.MISMATCH, wrongSalt.checks().stream().filter(c -> c.what().equals("test set"))
                .findFirst().orElseThrow().verdict());
    }

    private static Path copy(String name) throws Exception {
        Path copy = files.resolveSibling(files.getFileName() + "-" + name);
        try (var all = Files.walk(files)) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(files.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }
}
