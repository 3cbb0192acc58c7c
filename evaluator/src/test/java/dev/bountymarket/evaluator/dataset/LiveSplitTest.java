package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.cli.EvaluatorCli;
import dev.bountymarket.evaluator.examples.MemorisingModels;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.fixtures.OnnxBuilder;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live split (docs/protocol.md, "The live split"): the same rows for the same salt, other rows for another salt, the
 * live share kept, disjoint parts that cover the test set, and a model that learnt the public sample by heart scoring
 * nothing on the hidden live part.
 */
class LiveSplitTest {
    @TempDir
    static Path dir;

    static final byte[] SALT = new byte[32];
    static final byte[] OTHER_SALT = new byte[32];

    static BountySpec spec;
    static Path sample;
    static Path testSet;
    static Path good;
    static Path memorising;

    @BeforeAll
    static void files() throws Exception {
        for (int i = 0; i < 32; i++) {
            SALT[i] = (byte) i;
            OTHER_SALT[i] = (byte) 0xff;
        }
        TabularData data = new TabularData(TabularData.Kind.BINARY, 6, 2, 31);
        TribuoModels.Classifier classifier = TribuoModels.logisticRegression(data, 2000, List.of("no", "yes"),
                dir.resolve("good.onnx"));
        good = classifier.onnx();
        sample = dir.resolve("sample.csv");
        data.writeCsv(sample, 200, 3, List.of("no", "yes"));
        testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 2000, 4, List.of("no", "yes"));
        spec = BountySpec.parse(Files.writeString(dir.resolve("spec.json"), Specs.tabularJson("binary_classification",
                "roc_auc", classifier.classes(), data.featureNames(), "probabilities", "[N,C]")));
        memorising = Files.write(dir.resolve("memorising.onnx"), MemorisingModels.memorising(spec, sample));
    }

    /** The rule computed independently (Python's hmac and hashlib) for salt 00 01 .. 1f and 20 %: L live, P private. */
    @Test
    void theRuleMatchesAnIndependentImplementation() {
        assertEquals("PPPPPPPPPLPPPPPPPPPPPPPL", parts(new LiveSplit(SALT, 20), 24));
        assertEquals("LPLPPPPPPLPPPPPLPPPPPPLP", parts(new LiveSplit(OTHER_SALT, 20), 24));
        assertEquals(parts(new LiveSplit(SALT, 20), 24), parts(LiveSplit.of("0x" + HexFormat.of().formatHex(SALT), 20), 24));
    }

    @Test
    void theSplitIsDeterministicKeyedByTheSaltAndKeepsTheShare() {
        LiveSplit split = new LiveSplit(SALT, 20);
        String once = parts(split, 10_000);
        assertEquals(once, parts(new LiveSplit(SALT.clone(), 20), 10_000), "the same salt, the same rows");
        String other = parts(new LiveSplit(OTHER_SALT, 20), 10_000);
        assertNotEquals(once, other, "another salt, other rows");
        long live = once.chars().filter(c -> c == 'L').count();
        assertTrue(live > 1800 && live < 2200, "about 20 % live: " + live);
        long both = 0;
        for (int i = 0; i < once.length(); i++) {
            both += once.charAt(i) == 'L' && other.charAt(i) == 'L' ? 1 : 0;
        }
        assertTrue(both < 600, "the two salts' live parts overlap only by chance (about 4 %): " + both);
        // a larger share takes every row a smaller one took, and more
        String larger = parts(new LiveSplit(SALT, 50), 10_000);
        for (int i = 0; i < once.length(); i++) {
            assertTrue(once.charAt(i) == 'P' || larger.charAt(i) == 'L', "row " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> new LiveSplit(new byte[31], 20));
        assertThrows(IllegalArgumentException.class, () -> new LiveSplit(SALT, 0));
    }

    @Test
    void livePartAndPrivatePartAreDisjointAndCoverTheTestSet() throws Exception {
        EvaluationRequest all = new EvaluationRequest(spec, good, testSet);
        Report whole = Evaluation.evaluate(all).report();
        Report live = Evaluation.evaluate(all.part(SALT, LiveSplit.Part.LIVE)).report();
        Report hidden = Evaluation.evaluate(all.part(SALT, LiveSplit.Part.PRIVATE)).report();
        long expectedLive = parts(new LiveSplit(SALT, spec.liveBoard().sharePercent()), 2000).chars()
                .filter(c -> c == 'L').count();
        assertEquals(expectedLive, live.rows());
        assertEquals(2000 - expectedLive, hidden.rows());
        assertEquals(whole.testSetSha256(), live.testSetSha256(), "the whole file's hash, as the commitment binds it");
        assertEquals(whole.testSetSha256(), hidden.testSetSha256());
        JsonNode split = hidden.json().get("split");
        assertEquals("private", split.get("part").asText());
        assertEquals(LiveSplit.RULE, split.get("rule").asText());
        assertEquals(20, split.get("liveSharePercent").asInt());
        assertEquals("live", live.json().get("split").get("part").asText());
        assertTrue(!whole.json().has("split"), "a report on every row names no part");
        // the confusion matrices of the two parts add up to the whole's: every row is scored in exactly one part
        JsonNode a = live.json().get("confusionMatrix");
        JsonNode b = hidden.json().get("confusionMatrix");
        JsonNode w = whole.json().get("confusionMatrix");
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(w.get(i).get(j).asLong(), a.get(i).get(j).asLong() + b.get(i).get(j).asLong());
            }
        }
    }

    @Test
    void aModelThatMemorisedThePublicSampleScoresNothingOnTheLivePart() throws Exception {
        Report onSample = Evaluation.evaluate(new EvaluationRequest(spec, memorising, sample)).report();
        assertEquals(1_000_000, onSample.score(), "perfect on the sample it learnt by heart");
        Report cheatLive = Evaluation.evaluate(new EvaluationRequest(spec, memorising, testSet)
                .part(SALT, LiveSplit.Part.LIVE)).report();
        Report honestLive = Evaluation.evaluate(new EvaluationRequest(spec, good, testSet)
                .part(SALT, LiveSplit.Part.LIVE)).report();
        assertEquals(500_000, cheatLive.score(), "chance on rows it never saw");
        assertTrue(honestLive.score() > cheatLive.score() + 200_000, honestLive.score() + " vs " + cheatLive.score());
    }

    @Test
    void anImageZipIsSplitPerEntryTheSameWay() throws Exception {
        BountySpec images = BountySpec.parse(Specs.imageJson(16));
        Path model = OnnxBuilder.colourClassifier(16).write(dir.resolve("colours.onnx"));
        Path zip = dir.resolve("images.zip");
        ImageData.writeZip(zip, 120, 16, 5);
        long expectedLive = parts(new LiveSplit(SALT, images.liveBoard().sharePercent()), 120).chars()
                .filter(c -> c == 'L').count();
        EvaluationRequest request = new EvaluationRequest(images, model, zip);
        assertEquals(expectedLive, Evaluation.evaluate(request.part(SALT, LiveSplit.Part.LIVE)).report().rows());
        assertEquals(120 - expectedLive, Evaluation.evaluate(request.part(SALT, LiveSplit.Part.PRIVATE)).report().rows());
    }

    @Test
    void aPartWithNoRowIsTheTestSetsFault() throws Exception {
        Path tiny = dir.resolve("tiny.csv");
        List<String> lines = Files.readAllLines(testSet).subList(0, 4); // header and three rows
        Files.write(tiny, lines);
        String three = parts(new LiveSplit(SALT, 20), 3);
        assertEquals("PPP", three, "salt 00..1f puts rows 0 to 2 in the private part");
        EvaluationException e = assertThrows(EvaluationException.class, () -> Evaluation.evaluate(
                new EvaluationRequest(spec, good, tiny).part(SALT, LiveSplit.Part.LIVE)));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, e.code());
        assertTrue(e.getMessage().contains("no row in its live part"), e.getMessage());
    }

    @Test
    void verifyRecomputesAPartFromTheSaltAndSplitListsTheRows() throws Exception {
        String salt = "0x" + HexFormat.of().formatHex(SALT);
        Report expected = Evaluation.evaluate(new EvaluationRequest(spec, good, testSet)
                .part(SALT, LiveSplit.Part.PRIVATE)).report();
        Path expectedFile = Files.writeString(dir.resolve("expected.json"), expected.canonicalJson());
        String[] base = {"--spec", dir.resolve("spec.json").toString(), "--model", good.toString(), "--test-set",
                testSet.toString(), "--in-process"};
        Run match = cli(concat(new String[] {"verify"}, base, "--salt", salt, "--part", "private",
                "--expect-report", expectedFile.toString()));
        assertEquals(EvaluatorCli.OK, match.exit(), match.out() + match.err());
        assertTrue(match.out().contains("MATCH: the report hash is " + expected.hash()), match.out());
        Run wrongPart = cli(concat(new String[] {"verify"}, base, "--salt", salt, "--part", "live",
                "--expect-report", expectedFile.toString()));
        assertEquals(EvaluatorCli.MISMATCH, wrongPart.exit(), wrongPart.out());
        Run noSalt = cli(concat(new String[] {"verify"}, base, "--expect-report", expectedFile.toString()));
        assertEquals(EvaluatorCli.USAGE, noSalt.exit());
        assertTrue(noSalt.err().contains("give --salt"), noSalt.err());
        Run otherSalt = cli(concat(new String[] {"verify"}, base, "--salt", "0x" + "ff".repeat(32), "--part", "private",
                "--expect-hash", expected.hash()));
        assertEquals(EvaluatorCli.MISMATCH, otherSalt.exit(), "another salt scores other rows");

        Run split = cli("split", "--spec", dir.resolve("spec.json").toString(), "--test-set", testSet.toString(),
                "--salt", salt, "--list");
        assertEquals(EvaluatorCli.OK, split.exit(), split.err());
        long live = 2000 - expected.rows();
        assertTrue(split.out().contains("rows: 2000, live: " + live + ", private: " + expected.rows()), split.out());
        assertTrue(split.out().contains("\n9 live (test.csv line 11)\n"), split.out().substring(0, 400));
    }

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new EvaluatorCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        List<String> all = new java.util.ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        all.addAll(List.of(c));
        return all.toArray(new String[0]);
    }

    private static String parts(LiveSplit split, int rows) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            s.append(split.isLive(i) ? 'L' : 'P');
        }
        return s.toString();
    }
}
