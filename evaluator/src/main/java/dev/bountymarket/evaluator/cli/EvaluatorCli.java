package dev.bountymarket.evaluator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.EvaluatorVersion;
import dev.bountymarket.evaluator.dataset.Batch;
import dev.bountymarket.evaluator.dataset.BatchSource;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.dataset.TestSets;
import dev.bountymarket.evaluator.model.DevicePreference;
import dev.bountymarket.evaluator.model.ModelOptions;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.evaluator.report.ReportDiff;
import dev.bountymarket.evaluator.sandbox.ChildMain;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The command-line tool: {@code verify} re-runs an evaluation and compares it with a posted result,
 * {@code evaluate} prints the result envelope, {@code spec-hash} prints a spec's canonical form and hash,
 * {@code results} hashes a bounty's results document and lists its entries, {@code child} is the sandbox's internal
 * entry point. See evaluator/README.md.
 */
public final class EvaluatorCli {
    /** Exit code: evaluation done and, when an expectation was given, it matched. */
    public static final int OK = 0;
    /** Exit code: the report differs from the expected one. */
    public static final int MISMATCH = 1;
    /** Exit code: the evaluation failed (typed error printed). */
    public static final int FAILED = 2;
    /** Exit code: bad command line. */
    public static final int USAGE = 64;

    private static final Logger DJL_LOGGER = Logger.getLogger("ai.djl");
    // DJL probes for CUDA when it sets up its default device and warns on every CPU-only machine;
    // the device actually chosen is printed with the result instead.
    private static final Logger ORT_ENGINE_LOGGER = Logger.getLogger("ai.djl.onnxruntime.engine.OrtEngine");

    private static final String USAGE_TEXT = """
            usage:
              verify   --spec SPEC.json --model MODEL.onnx --test-set TEST.(csv|zip)
                       [--salt 0x... --part private|live]
                       [--expect-hash 0x...] [--expect-report REPORT.json] [options]
              evaluate --spec SPEC.json --model MODEL.onnx --test-set TEST.(csv|zip) [--salt 0x... --part private|live]
                       [--out RESULT.json] [options]
              split    --spec SPEC.json --test-set TEST.(csv|zip) --salt 0x... [--list]
                       (which rows the live board scores and which decide the payout; the salt is the one
                        revealTestSet published)
              spec-hash --spec SPEC.json
              results  --results RESULTS.json [--expect-hash 0x...]
                       (a bounty's results document: its hash, which goes on-chain as reportHash, and entries)
            options:
              --in-process          run the model in this JVM instead of a sandboxed child JVM
              --threads N           ONNX Runtime intra-op threads (default: processors - 1)
              --device auto|cpu|gpu where to run the model (default: auto)
              --timeout-seconds N   wall-clock limit of the sandboxed run (default: 600)
              --heap-mb N           heap of the sandboxed run (default: 4096)
              --salt 0x... --part P score only part P (private: the results; live: the live board) of a hidden
                                    test set, split by the commitment's salt (docs/protocol.md, "The live split")
            exit codes: 0 ok / match, 1 mismatch, 2 evaluation failed, 64 usage
            """;

    private final PrintStream out;
    private final PrintStream err;

    public EvaluatorCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("child")) {
            ChildMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(new EvaluatorCli(System.out, System.err).run(args));
    }

    public int run(String[] args) {
        DJL_LOGGER.setLevel(Level.WARNING);
        ORT_ENGINE_LOGGER.setLevel(Level.SEVERE);
        if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
            out.print(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        if (args[0].equals("--version")) {
            out.println("bountymarket-evaluator " + EvaluatorVersion.get());
            return OK;
        }
        Map<String, String> options;
        try {
            options = parseOptions(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        try {
            return switch (args[0]) {
                case "verify" -> verify(options);
                case "evaluate" -> evaluate(options);
                case "spec-hash" -> specHash(options);
                case "results" -> results(options);
                case "split" -> split(options);
                default -> {
                    err.println("unknown command '" + args[0] + "'");
                    err.print(USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (EvaluationException e) {
            err.println("evaluation failed: " + e.code() + " (" + e.code().party().name().toLowerCase(Locale.ROOT)
                    + "): " + e.getMessage());
            return FAILED;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return USAGE;
        }
    }

    private static final Set<String> FLAGS = Set.of("--in-process", "--list");
    private static final Set<String> VALUED = Set.of("--spec", "--model", "--test-set", "--expect-hash",
            "--expect-report", "--out", "--threads", "--device", "--timeout-seconds", "--heap-mb", "--results",
            "--salt", "--part");

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (FLAGS.contains(arg)) {
                options.put(arg, "true");
            } else if (VALUED.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                options.put(arg, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private int specHash(Map<String, String> options) throws EvaluationException {
        BountySpec spec = BountySpec.parse(Path.of(required(options, "--spec")));
        out.println(spec.canonicalJson());
        out.println("specHash: " + spec.hash());
        return OK;
    }

    /**
     * The keccak256 of a results document's canonical form (what the keeper hashed and posted as the bounty's
     * reportHash; a pretty-printed copy hashes the same) and each entry, with the report hash {@code verify} should
     * reproduce for it.
     */
    private int results(Map<String, String> options) {
        String file = required(options, "--results");
        JsonNode document;
        try {
            document = RESULTS_MAPPER.readTree(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " as JSON: " + e.getMessage());
        }
        if (document == null || !document.path("entries").isArray()) {
            throw new IllegalArgumentException(file + " is not a results document (no entries array)");
        }
        String hash = Hashes.keccak256(CanonicalJson.bytes(document));
        out.println("resultsHash: " + hash);
        for (JsonNode entry : document.get("entries")) {
            out.println("rank " + entry.path("rank").asText() + ": submission " + entry.path("submissionIndex").asText()
                    + " by " + entry.path("contributor").asText() + ", score " + entry.path("score").asText()
                    + ", model " + entry.path("modelSha256").asText() + ", reportHash " + entry.path("reportHash").asText());
        }
        for (JsonNode excluded : document.path("excluded")) {
            out.println("excluded: submission " + excluded.path("submissionIndex").asText() + " by "
                    + excluded.path("contributor").asText() + ": " + excluded.path("reason").asText());
        }
        if (!options.containsKey("--expect-hash")) {
            return OK;
        }
        String expected = options.get("--expect-hash").toLowerCase(Locale.ROOT);
        if (hash.equals(expected)) {
            out.println("MATCH: the results hash is " + hash);
            return OK;
        }
        out.println("MISMATCH: expected " + expected + ", the document hashes to " + hash);
        return MISMATCH;
    }

    /** The part {@code --salt} and {@code --part} name, or null (all rows) when neither is given. */
    private static LiveSplit.Selection selection(Map<String, String> options, BountySpec spec) {
        String salt = options.get("--salt");
        String part = options.get("--part");
        if (salt == null && part == null) {
            return null;
        }
        if (salt == null || part == null) {
            throw new IllegalArgumentException("--salt and --part go together (a part of the hidden test set is"
                    + " chosen by the commitment's salt)");
        }
        return new LiveSplit.Selection(LiveSplit.of(salt, spec.liveBoard().sharePercent()), LiveSplit.Part.fromWire(part));
    }

    /** Counts (and with --list names) each row's part under the spec's live share and the given salt. */
    private int split(Map<String, String> options) throws EvaluationException {
        BountySpec spec = BountySpec.parse(Path.of(required(options, "--spec")));
        Path testSet = Path.of(required(options, "--test-set"));
        LiveSplit split = LiveSplit.of(required(options, "--salt"), spec.liveBoard().sharePercent());
        boolean list = options.containsKey("--list");
        long live = 0;
        long rows = 0;
        try (BatchSource source = TestSets.open(testSet, spec)) {
            Batch batch = new Batch(Batch.rowsFor(spec.input().rowWidth()), spec.input().rowWidth(),
                    spec.task().isClassification());
            while (source.fill(batch)) {
                for (int i = 0; i < batch.size(); i++) {
                    long row = batch.firstRow() + i;
                    LiveSplit.Part part = split.partOf(row);
                    if (part == LiveSplit.Part.LIVE) {
                        live++;
                    }
                    if (list) {
                        out.println(row + " " + part.wireName() + " (" + source.describeLine(batch.line(i)) + ")");
                    }
                }
                rows += batch.size();
            }
            out.println("rule: " + LiveSplit.RULE + ", liveSharePercent: " + split.sharePercent());
            out.println("testSetSha256: " + source.sha256());
        }
        out.println("rows: " + rows + ", live: " + live + ", private: " + (rows - live));
        return OK;
    }

    private static final JsonMapper RESULTS_MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    private int evaluate(Map<String, String> options) throws EvaluationException {
        EvaluationResult result = run(options);
        String envelope = result.envelopeJson();
        if (options.containsKey("--out")) {
            try {
                Files.writeString(Path.of(options.get("--out")), envelope + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write " + options.get("--out") + ": " + e.getMessage());
            }
        }
        out.println(envelope);
        return OK;
    }

    private int verify(Map<String, String> options) throws EvaluationException {
        Report expectedReport = null;
        if (options.containsKey("--expect-report")) {
            try {
                expectedReport = Report.parse(Files.readString(Path.of(options.get("--expect-report")), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + options.get("--expect-report") + ": " + e.getMessage());
            }
        }
        String expectedHash = options.get("--expect-hash");
        if (expectedHash != null) {
            expectedHash = expectedHash.toLowerCase(Locale.ROOT);
            if (!expectedHash.matches("0x[0-9a-f]{64}")) {
                throw new IllegalArgumentException("--expect-hash must be 0x followed by 64 hex digits");
            }
        }
        if (expectedReport != null && expectedReport.json().has("split") && !options.containsKey("--salt")) {
            throw new IllegalArgumentException("the expected report scored the "
                    + expectedReport.json().path("split").path("part").asText() + " part of the test set: give --salt"
                    + " (the salt revealTestSet published) and --part "
                    + expectedReport.json().path("split").path("part").asText());
        }
        EvaluationResult result = run(options);
        Report report = result.report();
        out.println("report: " + report.canonicalJson());
        out.println("reportHash: " + report.hash());
        out.println("device: " + result.device());
        out.println("score: " + report.score() + " (" + report.metric() + " = " + report.metrics().get(report.metric()) + ")");
        if (expectedHash == null && expectedReport == null) {
            return OK;
        }
        boolean match = true;
        if (expectedReport != null && expectedHash != null && !expectedReport.hash().equals(expectedHash)) {
            out.println("note: the expected report hashes to " + expectedReport.hash() + ", not to the expected hash "
                    + expectedHash);
        }
        if (expectedHash != null && !expectedHash.equals(report.hash())) {
            match = false;
            out.println("MISMATCH: the report hash differs");
            out.println("  expected " + expectedHash);
            out.println("  got      " + report.hash());
        }
        if (expectedReport != null && !expectedReport.hash().equals(report.hash())) {
            match = false;
            List<String> differences = ReportDiff.differences(expectedReport, report);
            out.println("MISMATCH: " + differences.size() + " field(s) differ from the expected report");
            differences.forEach(line -> out.println("  " + line));
        }
        if (match) {
            out.println("MATCH: the report hash is " + report.hash());
            return OK;
        }
        if (expectedReport == null) {
            out.println("(give --expect-report with the posted report to see which fields differ)");
        }
        return MISMATCH;
    }

    private EvaluationResult run(Map<String, String> options) throws EvaluationException {
        BountySpec spec = BountySpec.parse(Path.of(required(options, "--spec")));
        Path model = Path.of(required(options, "--model"));
        Path testSet = Path.of(required(options, "--test-set"));
        int threads = Integer.parseInt(options.getOrDefault("--threads", "0"));
        DevicePreference device = DevicePreference.valueOf(options.getOrDefault("--device", "auto").toUpperCase(Locale.ROOT));
        EvaluationRequest request = new EvaluationRequest(spec, model, testSet, new ModelOptions(threads, device),
                selection(options, spec));
        if (options.containsKey("--in-process")) {
            return Evaluation.evaluate(request);
        }
        SandboxLimits limits = SandboxLimits.defaults()
                .withTimeout(Duration.ofSeconds(Long.parseLong(options.getOrDefault("--timeout-seconds", "600"))))
                .withHeapBytes(Long.parseLong(options.getOrDefault("--heap-mb", "4096")) << 20);
        EvaluationOutcome outcome = new SandboxedEvaluator(limits).evaluate(request);
        return outcome.orThrow();
    }
}
