package dev.bountymarket.evaluator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.report.Hashes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands a skeptic runs, with their output and exit codes. */
class EvaluatorCliTest {
    @TempDir
    static Path dir;

    static Path spec;
    static Path model;
    static Path testSet;
    static String envelope;
    static String hash;

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new EvaluatorCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] args(String command, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(command, "--spec", spec.toString(), "--model",
                model.toString(), "--test-set", testSet.toString()));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @BeforeAll
    static void evaluateOnce() throws Exception {
        TabularData data = new TabularData(TabularData.Kind.BINARY, 4, 2, 21);
        TribuoModels.Classifier classifier = TribuoModels.logisticRegression(data, 800, List.of("cat", "dog"),
                dir.resolve("model.onnx"));
        model = classifier.onnx();
        testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 400, 2, List.of("cat", "dog"));
        spec = Files.writeString(dir.resolve("spec.json"), Specs.tabularJson("binary_classification", "roc_auc",
                classifier.classes(), data.featureNames(), "probabilities", null));
        Run run = cli(args("evaluate", "--in-process", "--out", dir.resolve("result.json").toString()));
        assertEquals(0, run.exit(), run.err());
        envelope = run.out().strip();
        hash = EvaluationResult.fromEnvelope(envelope).reportHash();
        assertEquals(envelope, Files.readString(dir.resolve("result.json")).strip());
    }

    @Test
    void verifyWithTheRightHashMatchesInTheSandbox() {
        Run run = cli(args("verify", "--expect-hash", hash));
        assertEquals(EvaluatorCli.OK, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("reportHash: " + hash), run.out());
        assertTrue(run.out().contains("MATCH: the report hash is " + hash), run.out());
    }

    @Test
    void verifyWithAnotherHashPrintsBothAndFails() {
        String other = "0x" + "ab".repeat(32);
        Run run = cli(args("verify", "--in-process", "--expect-hash", other));
        assertEquals(EvaluatorCli.MISMATCH, run.exit());
        assertTrue(run.out().contains("MISMATCH: the report hash differs\n  expected " + other + "\n  got      " + hash),
                run.out());
    }

    @Test
    void verifyAgainstAPostedReportNamesTheDifferingFields() throws Exception {
        Path posted = Files.writeString(dir.resolve("posted.json"),
                envelope.replaceFirst("\"rows\":400", "\"rows\":401").replaceFirst("\"score\":\\d+", "\"score\":999999"));
        Run run = cli(args("verify", "--in-process", "--expect-report", posted.toString()));
        assertEquals(EvaluatorCli.MISMATCH, run.exit());
        assertTrue(run.out().contains("MISMATCH: 2 field(s) differ from the expected report"), run.out());
        assertTrue(run.out().contains("  rows: expected 401 but got 400"), run.out());
        assertTrue(run.out().contains("  score: expected 999999 but got "), run.out());
        Path same = Files.writeString(dir.resolve("same.json"), envelope);
        assertEquals(EvaluatorCli.OK, cli(args("verify", "--in-process", "--expect-report", same.toString())).exit());
    }

    @Test
    void failuresAndBadUsageHaveTheirOwnExitCodes() throws Exception {
        Path broken = Files.write(dir.resolve("broken.onnx"), new byte[] {1, 2, 3});
        Run failed = cli("verify", "--in-process", "--spec", spec.toString(), "--model", broken.toString(),
                "--test-set", testSet.toString());
        assertEquals(EvaluatorCli.FAILED, failed.exit());
        assertTrue(failed.err().startsWith("evaluation failed: MODEL_UNREADABLE (contributor): broken.onnx is not a"
                + " readable ONNX model"), failed.err());
        assertEquals(EvaluatorCli.USAGE, cli("verify", "--spec").exit());
        assertEquals(EvaluatorCli.USAGE, cli("frobnicate").exit());
        assertEquals(EvaluatorCli.USAGE, cli(args("verify", "--expect-hash", "0x12")).exit());
    }

    @Test
    void specHashPrintsTheCanonicalSpecAndItsHash() {
        Run run = cli("spec-hash", "--spec", spec.toString());
        assertEquals(0, run.exit());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("{\"classes\":[\"cat\",\"dog\"],"), lines.get(0));
        assertTrue(lines.get(1).matches("specHash: 0x[0-9a-f]{64}"), lines.get(1));
    }

    @Test
    void results_hashesTheDocumentsCanonicalFormAndListsItsEntries() throws Exception {
        // The canonical form, written out by hand: sorted keys, no whitespace.
        String canonical = "{\"bountyId\":\"7\",\"entries\":[{\"contributor\":\"0xabc\",\"modelSha256\":\"0x01\","
                + "\"rank\":0,\"reportHash\":\"0x02\",\"score\":981276,\"submissionIndex\":1}],"
                + "\"excluded\":[{\"contributor\":\"0xdef\",\"reason\":\"MODEL_UNREADABLE\",\"submissionIndex\":0}],"
                + "\"version\":1}";
        String expected = Hashes.keccak256(canonical.getBytes(StandardCharsets.UTF_8));
        // The same document as a person or a tool might save it: other key order, indented.
        Path pretty = Files.writeString(dir.resolve("results.json"), """
                {
                  "version": 1,
                  "excluded": [ { "submissionIndex": 0, "reason": "MODEL_UNREADABLE", "contributor": "0xdef" } ],
                  "entries": [ { "score": 981276, "submissionIndex": 1, "rank": 0, "reportHash": "0x02",
                                 "modelSha256": "0x01", "contributor": "0xabc" } ],
                  "bountyId": "7"
                }
                """);

        Run listed = cli("results", "--results", pretty.toString());
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains("resultsHash: " + expected), listed.out());
        assertTrue(listed.out().contains("rank 0: submission 1 by 0xabc, score 981276, model 0x01, reportHash 0x02"),
                listed.out());
        assertTrue(listed.out().contains("excluded: submission 0 by 0xdef: MODEL_UNREADABLE"), listed.out());

        assertEquals(0, cli("results", "--results", pretty.toString(), "--expect-hash", expected).exit());
        Run other = cli("results", "--results", pretty.toString(), "--expect-hash", "0x" + "0".repeat(64));
        assertEquals(1, other.exit());
        assertTrue(other.out().contains("MISMATCH"), other.out());

        Run notResults = cli("results", "--results", spec.toString());
        assertEquals(64, notResults.exit());
        assertTrue(notResults.err().contains("is not a results document"), notResults.err());
    }
}
