package dev.bountymarket.cli.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.web3j.utils.Numeric;

import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.dataset.LiveSplit;
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
    static BountySpec parsed;
    static Report goodReport;
    static Report weakReport;

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
        parsed = BountySpec.parse(spec);
        goodReport = run(parsed, good, SALT);
        weakReport = run(parsed, weak, SALT);

        // submissions: 0 Alice good, 1 Bob weak, 2 Alice weak (not her best), 3 Carol broken
        List<String> commitments = List.of(ChainFacts.submissionCommitment(good, ALICE),
                ChainFacts.submissionCommitment(weak, BOB), ChainFacts.submissionCommitment(weak, ALICE),
                ChainFacts.submissionCommitment(broken, CAROL));
        String testSetSha = Hashes.sha256(files.resolve("test-set.csv"));
        String testSetCommitment = ChainFacts.testSetCommitment(testSetSha, SALT);
        ObjectNode document = document(goodReport, weakReport, testSetCommitment, split -> { });
        Files.write(files.resolve("results.json"), CanonicalJson.bytes(document));
        chain = new ChainFacts("0x" + "11".repeat(20), java.math.BigInteger.ONE, 6, "0x" + "22".repeat(20),
                "0x" + "33".repeat(20), "0x" + "44".repeat(20), true, false, parsed.hash(), testSetCommitment,
                Hashes.keccak256(CanonicalJson.bytes(document)), commitments,
                Optional.of(new ChainFacts.Reveal(testSetSha, SALT)),
                List.of(new ChainFacts.Ranked(0, 0, ALICE, good, goodReport.score(), true),
                        new ChainFacts.Ranked(1, 1, BOB, weak, weakReport.score(), true)));
    }

    /** A results document as the server writes it (version 2, scored on the private part); {@code split} may alter it. */
    private static ObjectNode document(Report goodReport, Report weakReport, String testSetCommitment,
            Consumer<ObjectNode> split) {
        ObjectNode document = CanonicalJson.NODES.objectNode();
        document.put("version", 2).put("chainId", 31337).put("contract", "0x" + "11".repeat(20)).put("bountyId", "1")
                .put("specHash", parsed.hash()).put("higherIsBetter", true);
        ObjectNode splitBlock = document.putObject("split").put("rule", LiveSplit.RULE).put("scoredPart", "private")
                .put("liveSharePercent", parsed.liveBoard().sharePercent()).put("testSetCommitment", testSetCommitment);
        split.accept(splitBlock);
        ArrayNode entries = document.putArray("entries");
        entries.addObject().put("rank", 0).put("submissionIndex", 0).put("contributor", ALICE).put("modelSha256", good)
                .put("score", goodReport.score()).put("reportHash", goodReport.hash());
        entries.addObject().put("rank", 1).put("submissionIndex", 1).put("contributor", BOB).put("modelSha256", weak)
                .put("score", weakReport.score()).put("reportHash", weakReport.hash());
        ArrayNode excluded = document.putArray("excluded");
        excluded.addObject().put("submissionIndex", 2).put("contributor", ALICE).put("reason", "NOT_CONTRIBUTORS_BEST");
        excluded.addObject().put("submissionIndex", 3).put("contributor", CAROL).put("reason", "MODEL_UNREADABLE");
        return document;
    }

    /**
     * Audits a copy whose results document is {@code document}, against a chain that posted exactly it (its hash and
     * its scores): what the audit then finds wrong is in how the document was computed, not in how it was posted.
     */
    private static Audit.Result auditPosted(String name, ObjectNode document) throws Exception {
        Path copy = copy(name);
        Files.write(copy.resolve("results.json"), CanonicalJson.bytes(document));
        List<ChainFacts.Ranked> ranked = List.of(
                new ChainFacts.Ranked(0, 0, ALICE, good, document.get("entries").get(0).get("score").asLong(), true),
                new ChainFacts.Ranked(1, 1, BOB, weak, document.get("entries").get(1).get("score").asLong(), true));
        ChainFacts posted = new ChainFacts(chain.market(), chain.bountyId(), chain.status(), chain.sponsor(),
                chain.evaluator(), chain.arbiter(), true, false, chain.specHash(), chain.testSetCommitment(),
                Hashes.keccak256(CanonicalJson.bytes(document)), chain.commitments(), chain.reveal(), ranked);
        return new Audit(posted, new FolderArtifacts(copy), AuditTest::evaluate).run();
    }

    private static EvaluationOutcome evaluate(BountySpec spec, EvaluationRequest request, long size) {
        try {
            return new EvaluationOutcome.Success(Evaluation.evaluate(request));
        } catch (EvaluationException e) {
            return new EvaluationOutcome.Failure(e);
        }
    }

    private static String move(Path file, Path models) throws Exception {
        String sha = Hashes.sha256(file);
        Files.move(file, Artifacts.modelPath(models.getParent(), sha));
        return sha;
    }

    /** The private part keyed by {@code salt}, or every row when {@code salt} is null. */
    private static Report run(BountySpec spec, String modelSha, String salt) throws EvaluationException {
        EvaluationRequest request = new EvaluationRequest(spec, Artifacts.modelPath(files, modelSha),
                files.resolve("test-set.csv"));
        return Evaluation.evaluate(salt == null ? request
                : request.part(Numeric.hexStringToByteArray(salt), LiveSplit.Part.PRIVATE)).report();
    }

    private static Audit.Result audit(Path dir) {
        return new Audit(chain, new FolderArtifacts(dir), AuditTest::evaluate).run();
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
    void audit_rerunsOnThePrivatePartKeyedByTheRevealedSalt_notOnEveryRowNorAnotherSalt() throws Exception {
        // posted as scored on every row (the live part included): each ranked re-run differs
        Audit.Result allRows = auditPosted("all-rows", document(run(parsed, good, null), run(parsed, weak, null),
                chain.testSetCommitment(), split -> { }));
        assertEquals(Audit.Verdict.MISMATCH, allRows.rows().get(0).verdict(), allRows.rows().get(0).toString());
        assertEquals(Audit.Verdict.MISMATCH, allRows.rows().get(1).verdict(), allRows.rows().get(1).toString());
        // split by a salt other than the one that opens the commitment on-chain (one the server chose)
        String other = "0x" + "cd".repeat(32);
        Audit.Result otherSalt = auditPosted("other-salt", document(run(parsed, good, other), run(parsed, weak, other),
                chain.testSetCommitment(), split -> { }));
        assertEquals(Audit.Verdict.MISMATCH, otherSalt.rows().get(0).verdict(), otherSalt.rows().get(0).toString());
        assertTrue(otherSalt.rows().get(0).reason().contains("report hash"), otherSalt.rows().get(0).reason());
    }

    @Test
    void audit_checksTheSplitBlockAgainstTheSpecAndTheChain() throws Exception {
        int share = parsed.liveBoard().sharePercent();
        Audit.Result live = auditPosted("split-live", document(goodReport, weakReport, chain.testSetCommitment(),
                split -> split.put("scoredPart", "live")));
        assertTrue(scoredPart(live).verdict() == Audit.Verdict.MISMATCH && scoredPart(live).detail().contains("'live'"),
                scoredPart(live).toString());
        Audit.Result share2 = auditPosted("split-share", document(goodReport, weakReport, chain.testSetCommitment(),
                split -> split.put("liveSharePercent", share + 10)));
        assertTrue(scoredPart(share2).verdict() == Audit.Verdict.MISMATCH
                && scoredPart(share2).detail().contains("the spec's is " + share + "%"), scoredPart(share2).toString());
        Audit.Result commitment = auditPosted("split-commitment", document(goodReport, weakReport, "0x" + "77".repeat(32),
                split -> { }));
        assertEquals(Audit.Verdict.MISMATCH, scoredPart(commitment).verdict(), scoredPart(commitment).toString());
        Audit.Result rule = auditPosted("split-rule", document(goodReport, weakReport, chain.testSetCommitment(),
                split -> split.put("rule", "first-rows-v0")));
        assertEquals(Audit.Verdict.MISMATCH, scoredPart(rule).verdict(), scoredPart(rule).toString());
        ObjectNode none = document(goodReport, weakReport, chain.testSetCommitment(), split -> { });
        none.remove("split");
        Audit.Result missing = auditPosted("split-missing", none);
        assertEquals(Audit.Verdict.MISMATCH, scoredPart(missing).verdict(), scoredPart(missing).toString());
        assertEquals(Audit.Verdict.MATCH, scoredPart(audit(files)).verdict());
    }

    private static Audit.Check scoredPart(Audit.Result result) {
        return result.checks().stream().filter(c -> c.what().equals("scored part")).findFirst().orElseThrow();
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
        Audit.Result result = new Audit(confidential, new FolderArtifacts(copy), AuditTest::evaluate).run();
        assertEquals(Audit.Verdict.MATCH, result.overall(), result.toString());

        Files.writeString(copy.resolve("test-set.salt"), "0x" + "cd".repeat(32));
        Audit.Result wrongSalt = new Audit(confidential, new FolderArtifacts(copy), (spec, request, size) -> {
            throw new AssertionError("nothing is re-run on a test set that fails its commitment");
        }).run();
        assertEquals(Audit.Verdict.MISMATCH, wrongSalt.checks().stream().filter(c -> c.what().equals("test set"))
                .findFirst().orElseThrow().verdict());
    }

    @Test
    void audit_ofAWrongRankingWritesTheCorrectedDocument_whichThenMatches() throws Exception {
        // the weak model posted first with an inflated score, the good one second
        ObjectNode wrong = document(goodReport, weakReport, chain.testSetCommitment(), split -> { });
        ArrayNode entries = (ArrayNode) wrong.get("entries");
        ((ObjectNode) entries.get(0)).put("submissionIndex", 1).put("contributor", BOB).put("modelSha256", weak)
                .put("score", 990_000).put("reportHash", weakReport.hash());
        ((ObjectNode) entries.get(1)).put("submissionIndex", 0).put("contributor", ALICE).put("modelSha256", good)
                .put("score", 10_000).put("reportHash", goodReport.hash());
        Path copy = copy("wrong-ranking");
        Files.write(copy.resolve("results.json"), CanonicalJson.bytes(wrong));
        ChainFacts posted = new ChainFacts(chain.market(), chain.bountyId(), 4, chain.sponsor(), chain.evaluator(),
                chain.arbiter(), true, false, chain.specHash(), chain.testSetCommitment(),
                Hashes.keccak256(CanonicalJson.bytes(wrong)), chain.commitments(), chain.reveal(), List.of(
                        new ChainFacts.Ranked(0, 1, BOB, weak, 990_000, true),
                        new ChainFacts.Ranked(1, 0, ALICE, good, 10_000, true)));
        Audit audit = new Audit(posted, new FolderArtifacts(copy), AuditTest::evaluate);
        Audit.Result result = audit.run();
        assertEquals(Audit.Verdict.MISMATCH, result.overall());
        assertTrue(result.rows().get(0).reason().contains("990000 posted"), result.rows().get(0).reason());

        Audit.Correction correction = audit.corrected(31337);
        String corrected = correction.document().orElseThrow(() -> new AssertionError(correction.why()));
        ObjectNode document = (ObjectNode) CanonicalJson.NODES.objectNode().setAll((ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(corrected));
        assertEquals(corrected, CanonicalJson.string(document), "written in canonical form");
        assertEquals(Hashes.keccak256(corrected.getBytes(java.nio.charset.StandardCharsets.UTF_8)), correction.reportHash());
        ObjectNode right = document(goodReport, weakReport, chain.testSetCommitment(), split -> { });
        assertEquals(CanonicalJson.string(right.get("entries")), CanonicalJson.string(document.get("entries")));
        assertEquals(java.util.Set.of("2 NOT_CONTRIBUTORS_BEST", "3 MODEL_UNREADABLE"), java.util.stream.StreamSupport
                .stream(document.get("excluded").spliterator(), false).map(e -> e.get("submissionIndex").asInt() + " "
                        + e.get("reason").asText()).collect(java.util.stream.Collectors.toSet()));
        // posted as the overturned results, the corrected document passes the audit it came from
        assertEquals(Audit.Verdict.MATCH, auditPosted("corrected", document).overall());
    }

    /** Anvil's dev account 4: Bob, who signs his relayed submission. */
    private static final String BOB_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";

    @Test
    void audit_checksARelayedEntrysLeafAndProofAgainstItsBatchRootOnChain() throws Exception {
        org.web3j.crypto.Credentials bob = org.web3j.crypto.Credentials.create(BOB_KEY);
        assertEquals(BOB, bob.getAddress());
        long deadline = 4_000_000_000L;
        long postedAt = 1_700_000_000L;
        byte[] digest = new dev.bountymarket.contracts.relay.RelayedSubmission(31337, chain.market(), chain.bountyId(),
                Numeric.hexStringToByteArray(ChainFacts.submissionCommitment(weak, BOB)), BOB, 0, deadline).digest();
        var signed = org.web3j.crypto.Sign.signMessage(digest, bob.getEcKeyPair(), false);
        byte[] signature = new byte[65];
        System.arraycopy(signed.getR(), 0, signature, 0, 32);
        System.arraycopy(signed.getS(), 0, signature, 32, 32);
        signature[64] = signed.getV()[0];
        // Bob's submission 1 went through the relayer: a one-leaf batch at index 1, no commitment of its own on-chain
        var tree = new dev.bountymarket.contracts.relay.RelayTree(List.of(digest));
        ChainFacts.Batch batch = new ChainFacts.Batch(1, 1, Numeric.toHexString(tree.root()), postedAt);
        List<String> commitments = new ArrayList<>(chain.commitments());
        commitments.set(1, "0x" + "0".repeat(64));

        ChainFacts.RelayProof proof = new ChainFacts.RelayProof(1, 1, 1, postedAt, 0, deadline, signature, List.of());
        assertEquals(Audit.Verdict.MATCH, relayed(commitments, batch, java.util.Map.of(1, proof)).overall());

        // the same proof with another sequence number: its leaf is not the one under the root
        ChainFacts.RelayProof otherSequence = new ChainFacts.RelayProof(1, 1, 1, postedAt, 1, deadline, signature,
                List.of());
        Audit.Check check = modelCheck(relayed(commitments, batch, java.util.Map.of(1, otherSequence)), 1);
        assertEquals(Audit.Verdict.MISMATCH, check.verdict());
        assertTrue(check.detail().contains("inclusion proof lead to the root"), check.detail());

        // no proof in the results transaction at all
        check = modelCheck(relayed(commitments, batch, java.util.Map.of()), 1);
        assertEquals(Audit.Verdict.MISMATCH, check.verdict());
        assertTrue(check.detail().contains("carries no relay proof"), check.detail());

        // a proof whose sibling the batch does not have
        ChainFacts.RelayProof extraSibling = new ChainFacts.RelayProof(1, 1, 1, postedAt, 0, deadline, signature,
                List.of(new byte[32]));
        assertEquals(Audit.Verdict.MISMATCH, modelCheck(relayed(commitments, batch, java.util.Map.of(1, extraSibling)), 1)
                .verdict());
    }

    private static Audit.Result relayed(List<String> commitments, ChainFacts.Batch batch,
            java.util.Map<Integer, ChainFacts.RelayProof> proofs) {
        ChainFacts facts = new ChainFacts(chain.market(), chain.bountyId(), chain.status(), chain.sponsor(),
                chain.evaluator(), chain.arbiter(), true, false, chain.specHash(), chain.testSetCommitment(),
                chain.reportHash(), commitments, chain.reveal(), chain.ranked(), 31337, List.of(batch), proofs);
        return new Audit(facts, new FolderArtifacts(files), AuditTest::evaluate).run();
    }

    private static Audit.Check modelCheck(Audit.Result result, int submission) {
        return result.checks().stream().filter(c -> c.what().equals("model of submission " + submission)).findFirst()
                .orElseThrow(() -> new AssertionError(result.toString()));
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
