package dev.bountymarket.cli.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.web3j.utils.Numeric;

import dev.bountymarket.contracts.relay.RelayTree;
import dev.bountymarket.contracts.relay.RelayedSubmission;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.EvaluationResult;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;

/**
 * Audits one bounty in two separate steps. First the hashes: every file is checked against what the chain committed
 * (the spec against specHash, the test set against the reveal and the commitment with its salt, the results document
 * against reportHash, each model against its submission's commitment), and the document's entries against the ranked
 * entries posted on-chain, and the document's {@code split} block against the spec and the chain. Then the re-runs: every
 * ranked entry and every exclusion is evaluated again with the same evaluator on the test set's private part (the live
 * split keyed by the salt that opened the commitment on-chain), and its report hash and score compared with what was
 * posted. Nothing is taken from the server.
 */
public final class Audit {
    private static final JsonMapper MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    /** One verdict of the audit. */
    public enum Verdict {
        MATCH, MISMATCH, UNCHECKED
    }

    /** A hash check: what was compared, its verdict and, when it is not a match, why. */
    public record Check(String what, Verdict verdict, String detail) {
    }

    /** One ranked entry or exclusion, re-run. */
    public record Row(String entry, int submissionIndex, String contributor, Long postedScore, String recomputed,
            Verdict verdict, String reason) {
    }

    /** The whole audit: the hash checks, then the re-runs. */
    public record Result(List<Check> checks, List<Row> rows) {
        public Verdict overall() {
            List<Verdict> all = new ArrayList<>();
            checks.forEach(c -> all.add(c.verdict()));
            rows.forEach(r -> all.add(r.verdict()));
            if (all.contains(Verdict.MISMATCH)) {
                return Verdict.MISMATCH;
            }
            return all.contains(Verdict.UNCHECKED) ? Verdict.UNCHECKED : Verdict.MATCH;
        }
    }

    /** Runs one evaluation (sandboxed by default). */
    public interface Runner {
        EvaluationOutcome run(BountySpec spec, EvaluationRequest request, long testSetBytes);
    }

    private final ChainFacts chain;
    private final Artifacts artifacts;
    private final Runner runner;
    /** What each re-run gave, by submission index: a score and report hash, or the error code. */
    private final Map<Integer, Rerun> outcomes = new HashMap<>();
    private HashStep hashStep;

    private record Rerun(int index, String contributor, String modelSha256, long score, String reportHash, String errorCode) {
    }

    public Audit(ChainFacts chain, Artifacts artifacts, Runner runner) {
        this.chain = chain;
        this.artifacts = artifacts;
        this.runner = runner;
    }

    public Result run() {
        List<Check> checks = new ArrayList<>();
        HashStep hashes = checkHashes(checks);
        hashStep = hashes;
        List<Row> rows = rerun(hashes);
        return new Result(checks, rows);
    }

    /** What the hash step established, for the re-runs. */
    private record HashStep(Optional<BountySpec> spec, Optional<Path> testSet, Optional<byte[]> salt,
            Optional<JsonNode> document, Map<Integer, Path> models, Map<Integer, String> modelProblems) {
    }

    /** The corrected results document (canonical JSON) and its keccak256, or why none can be written. */
    public record Correction(Optional<String> document, String reportHash, String why) {
    }

    /**
     * After {@link #run}: the results document the re-runs give, built by the evaluator's rules (docs/protocol.md,
     * "Results document"): every committed submission scored on the private part and ranked best first, ties to the
     * earlier commitment, each contributor's best only, the judges' entries and the failures excluded with their
     * reason. Its keccak256 is the reportHash an arbiter overturns with. None when a submission could not be re-run
     * (its model is not at hand) and the posted results give no reason that needs no re-run.
     *
     * @param chainId the chain the bounty is on (the document names it)
     */
    public Correction corrected(long chainId) {
        HashStep hashes = hashStep;
        if (hashes == null || hashes.spec().isEmpty() || hashes.salt().isEmpty()) {
            return new Correction(Optional.empty(), null, "no spec and test set that match the chain, so nothing was"
                    + " re-run");
        }
        Map<Integer, String> contributors = new HashMap<>();
        chain.ranked().forEach(r -> contributors.put(r.submissionIndex(), r.contributor()));
        Map<Integer, String> keptReasons = new HashMap<>();
        hashes.document().ifPresent(d -> d.path("excluded").forEach(e -> {
            int index = e.path("submissionIndex").asInt(-1);
            contributors.putIfAbsent(index, e.path("contributor").asText().toLowerCase(Locale.ROOT));
            String reason = e.path("reason").asText();
            // reasons no re-run can give: the limit of relayed leaves, and a model never uploaded
            if (reason.equals("RELAYED_OVER_LIMIT") || reason.equals("MODEL_NOT_UPLOADED")) {
                keptReasons.put(index, reason);
            }
        }));
        List<Rerun> scored = new ArrayList<>();
        com.fasterxml.jackson.databind.node.ArrayNode excluded = CanonicalJson.NODES.arrayNode();
        for (int index = 0; index < chain.commitments().size(); index++) {
            String contributor = contributors.get(index);
            Rerun rerun = outcomes.get(index);
            String reason;
            if (keptReasons.containsKey(index)) {
                reason = keptReasons.get(index);
            } else if (contributor != null && (contributor.equals(chain.sponsor()) || contributor.equals(chain.evaluator())
                    || contributor.equals(chain.arbiter()))) {
                reason = "JUDGE_OF_BOUNTY";
            } else if (rerun == null) {
                return new Correction(Optional.empty(), null, "submission " + index + " was not re-run (its model is"
                        + " not at hand), so no corrected ranking can be built");
            } else if (rerun.errorCode() != null) {
                reason = rerun.errorCode();
            } else {
                scored.add(rerun);
                continue;
            }
            com.fasterxml.jackson.databind.node.ObjectNode why = excluded.addObject();
            why.put("submissionIndex", index);
            why.put("contributor", contributor == null ? rerun.contributor() : contributor);
            why.put("reason", reason);
        }
        Comparator<Rerun> best = Comparator.comparingLong((Rerun r) -> chain.higherIsBetter() ? -r.score() : r.score())
                .thenComparingInt(Rerun::index);
        scored.sort(best);
        Set<String> ranked = new HashSet<>();
        com.fasterxml.jackson.databind.node.ArrayNode entries = CanonicalJson.NODES.arrayNode();
        for (Rerun r : scored) {
            int index = r.index();
            if (!ranked.add(r.contributor())) {
                com.fasterxml.jackson.databind.node.ObjectNode why = excluded.addObject();
                why.put("submissionIndex", index);
                why.put("contributor", r.contributor());
                why.put("reason", "NOT_CONTRIBUTORS_BEST");
                continue;
            }
            com.fasterxml.jackson.databind.node.ObjectNode entry = entries.addObject();
            entry.put("rank", entries.size() - 1);
            entry.put("submissionIndex", index);
            entry.put("contributor", r.contributor());
            entry.put("modelSha256", r.modelSha256());
            entry.put("score", r.score());
            entry.put("reportHash", r.reportHash());
        }
        com.fasterxml.jackson.databind.node.ObjectNode root = CanonicalJson.NODES.objectNode();
        root.put("version", RESULTS_VERSION);
        root.put("chainId", chainId);
        root.put("contract", chain.market());
        root.put("bountyId", chain.bountyId().toString());
        root.put("specHash", chain.specHash());
        root.put("higherIsBetter", chain.higherIsBetter());
        com.fasterxml.jackson.databind.node.ObjectNode split = root.putObject("split");
        split.put("rule", LiveSplit.RULE);
        split.put("scoredPart", LiveSplit.Part.PRIVATE.wireName());
        split.put("liveSharePercent", hashes.spec().get().liveBoard().sharePercent());
        split.put("testSetCommitment", chain.testSetCommitment());
        root.set("entries", entries);
        root.set("excluded", excluded);
        String json = CanonicalJson.string(root);
        return new Correction(Optional.of(json), Hashes.keccak256(json.getBytes(StandardCharsets.UTF_8)), null);
    }

    /** The results document's format version, as the marketplace's keeper writes it (its ResultsDocument.VERSION). */
    static final int RESULTS_VERSION = 2;

    // ---- step 1: hashes ----

    private HashStep checkHashes(List<Check> checks) {
        Optional<BountySpec> spec = checkSpec(checks);
        Optional<Path> testSet = Optional.empty();
        Optional<byte[]> salt = Optional.empty();
        if (spec.isPresent()) {
            testSet = artifacts.testSet(spec.get().input() instanceof ImageInput);
            salt = checkTestSet(checks, testSet).map(Numeric::hexStringToByteArray);
        }
        Optional<JsonNode> document = checkDocument(checks, spec);
        Map<Integer, Path> models = new HashMap<>();
        Map<Integer, String> problems = new HashMap<>();
        checkModels(checks, document, models, problems);
        return new HashStep(spec, testSet, salt, document, models, problems);
    }

    private Optional<BountySpec> checkSpec(List<Check> checks) {
        Optional<Path> file = artifacts.spec();
        if (file.isEmpty()) {
            checks.add(new Check("spec", Verdict.UNCHECKED, "no spec.json in " + artifacts.describe()));
            return Optional.empty();
        }
        try {
            BountySpec spec = BountySpec.parse(file.get());
            if (spec.hash().equalsIgnoreCase(chain.specHash())) {
                checks.add(new Check("spec", Verdict.MATCH, "hashes to the specHash on-chain " + chain.specHash()));
                return Optional.of(spec);
            }
            checks.add(new Check("spec", Verdict.MISMATCH, "the spec hashes to " + spec.hash() + ", the chain's specHash is "
                    + chain.specHash()));
        } catch (EvaluationException e) {
            checks.add(new Check("spec", Verdict.MISMATCH, "not a valid spec: " + e.getMessage()));
        }
        return Optional.empty();
    }

    /** Checks the test set; when it opens the commitment on-chain, returns the salt that opened it (which keys the split). */
    private Optional<String> checkTestSet(List<Check> checks, Optional<Path> file) {
        if (chain.reveal().isEmpty() && file.isPresent() && artifacts.unrevealedSalt().isPresent()) {
            // A confidential test set handed over with its salt: the commitment on-chain still binds it.
            String sha256 = sha256(file.get());
            String salt = artifacts.unrevealedSalt().get();
            if (ChainFacts.testSetCommitment(sha256, salt).equals(chain.testSetCommitment())) {
                checks.add(new Check("test set", Verdict.MATCH, "sha256 " + sha256 + " with the salt handed over (not"
                        + " revealed on-chain) opens the commitment " + chain.testSetCommitment()));
                return Optional.of(salt);
            }
            checks.add(new Check("test set", Verdict.MISMATCH, "sha256 " + sha256 + " with the salt " + salt
                    + " does not open the commitment on-chain " + chain.testSetCommitment()));
            return Optional.empty();
        }
        if (chain.reveal().isEmpty()) {
            checks.add(new Check("test set", Verdict.UNCHECKED, "the test set is not revealed on-chain"
                    + (chain.confidential() ? " (a confidential bounty: only its arbiter gets it, during a dispute)" : "")));
            return Optional.empty();
        }
        ChainFacts.Reveal reveal = chain.reveal().get();
        String opened = ChainFacts.testSetCommitment(reveal.testSetSha256(), reveal.salt());
        if (!opened.equals(chain.testSetCommitment())) {
            checks.add(new Check("test set", Verdict.MISMATCH, "the reveal on-chain (sha256 " + reveal.testSetSha256()
                    + ", salt " + reveal.salt() + ") does not open the commitment " + chain.testSetCommitment()));
            return Optional.empty();
        }
        if (file.isEmpty()) {
            checks.add(new Check("test set", Verdict.UNCHECKED, "no test set in " + artifacts.describe()));
            return Optional.empty();
        }
        String sha256 = sha256(file.get());
        if (!sha256.equals(reveal.testSetSha256())) {
            checks.add(new Check("test set", Verdict.MISMATCH, "the file hashes to sha256 " + sha256 + ", but the test set"
                    + " revealed on-chain has sha256 " + reveal.testSetSha256() + " (a changed row?)"));
            return Optional.empty();
        }
        checks.add(new Check("test set", Verdict.MATCH, "sha256 " + sha256 + " with salt " + reveal.salt()
                + " opens the commitment " + chain.testSetCommitment()));
        return Optional.of(reveal.salt());
    }

    private Optional<JsonNode> checkDocument(List<Check> checks, Optional<BountySpec> spec) {
        if (chain.reportHash().matches("0x0{64}")) {
            checks.add(new Check("results document", Verdict.UNCHECKED, "no results are posted on-chain (bounty is "
                    + chain.statusName() + ")"));
            return Optional.empty();
        }
        Optional<Path> file = artifacts.results();
        if (file.isEmpty()) {
            checks.add(new Check("results document", Verdict.UNCHECKED, "no results.json in " + artifacts.describe()));
            return Optional.empty();
        }
        JsonNode document;
        try {
            document = MAPPER.readTree(Files.readString(file.get(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            checks.add(new Check("results document", Verdict.MISMATCH, "not JSON: " + e.getMessage()));
            return Optional.empty();
        }
        if (document == null || !document.path("entries").isArray()) {
            checks.add(new Check("results document", Verdict.MISMATCH, "not a results document (no entries array)"));
            return Optional.empty();
        }
        String hash = Hashes.keccak256(CanonicalJson.bytes(document));
        if (!hash.equalsIgnoreCase(chain.reportHash())) {
            checks.add(new Check("results document", Verdict.MISMATCH, "hashes to " + hash + ", but the reportHash on-chain"
                    + " is " + chain.reportHash()));
        } else {
            checks.add(new Check("results document", Verdict.MATCH, "hashes to the reportHash on-chain " + hash));
        }
        List<String> differences = new ArrayList<>();
        if (!document.path("bountyId").asText().equals(chain.bountyId().toString())) {
            differences.add("it names bounty " + document.path("bountyId").asText() + ", not " + chain.bountyId());
        }
        if (!document.path("contract").asText().equalsIgnoreCase(chain.market())) {
            differences.add("it names the contract " + document.path("contract").asText() + ", not " + chain.market());
        }
        JsonNode entries = document.get("entries");
        if (entries.size() != chain.ranked().size()) {
            differences.add("it ranks " + entries.size() + " entries, the chain " + chain.ranked().size());
        } else {
            for (int i = 0; i < entries.size(); i++) {
                JsonNode e = entries.get(i);
                ChainFacts.Ranked r = chain.ranked().get(i);
                if (e.path("submissionIndex").asInt(-1) != r.submissionIndex()
                        || !e.path("contributor").asText().equalsIgnoreCase(r.contributor())
                        || !e.path("modelSha256").asText().equalsIgnoreCase(r.modelSha256())
                        || e.path("score").asLong(Long.MIN_VALUE) != r.score()) {
                    differences.add("rank " + i + " is submission " + e.path("submissionIndex").asText() + " scoring "
                            + e.path("score").asText() + " there, submission " + r.submissionIndex() + " scoring "
                            + r.score() + " on-chain");
                }
            }
        }
        Set<Integer> listed = new HashSet<>();
        for (JsonNode e : entries) {
            if (!listed.add(e.path("submissionIndex").asInt(-1))) {
                differences.add("submission " + e.path("submissionIndex").asText() + " is listed twice");
            }
        }
        for (JsonNode e : document.path("excluded")) {
            if (!listed.add(e.path("submissionIndex").asInt(-1))) {
                differences.add("submission " + e.path("submissionIndex").asText() + " is listed twice");
            }
        }
        for (int i = 0; i < chain.commitments().size(); i++) {
            if (!listed.contains(i)) {
                differences.add("submission " + i + ", committed on-chain, is neither ranked nor excluded");
            }
        }
        checkOrder(differences);
        checks.add(checkSplit(document.path("split"), spec));
        checks.add(new Check("entries", differences.isEmpty() ? Verdict.MATCH : Verdict.MISMATCH, differences.isEmpty()
                ? chain.ranked().size() + " ranked on-chain as listed, best first, every commitment accounted for"
                : String.join("; ", differences)));
        return Optional.of(document);
    }

    /**
     * The document's {@code split} block: the rows it scored are the private part, under the rule this build knows,
     * with the live share the spec (bound by specHash) sets, of the test set committed on-chain.
     */
    private Check checkSplit(JsonNode split, Optional<BountySpec> spec) {
        String what = "scored part";
        if (!split.isObject()) {
            return new Check(what, Verdict.MISMATCH, "the results document has no split block, so it does not say which"
                    + " rows of the test set it scored");
        }
        List<String> differences = new ArrayList<>();
        if (!LiveSplit.RULE.equals(split.path("rule").asText())) {
            differences.add("rule '" + split.path("rule").asText() + "' is not " + LiveSplit.RULE);
        }
        if (!LiveSplit.Part.PRIVATE.wireName().equals(split.path("scoredPart").asText())) {
            differences.add("it scored part '" + split.path("scoredPart").asText() + "', not the private part");
        }
        if (!split.path("testSetCommitment").asText().equalsIgnoreCase(chain.testSetCommitment())) {
            differences.add("it names the test-set commitment " + split.path("testSetCommitment").asText()
                    + ", the chain holds " + chain.testSetCommitment());
        }
        if (spec.isPresent()) {
            int share = spec.get().liveBoard().sharePercent();
            if (!split.path("liveSharePercent").isInt() || split.path("liveSharePercent").asInt() != share) {
                differences.add("live share " + split.path("liveSharePercent") + "%, the spec's is " + share + "%");
            }
        }
        if (!differences.isEmpty()) {
            return new Check(what, Verdict.MISMATCH, String.join("; ", differences));
        }
        if (spec.isEmpty()) {
            return new Check(what, Verdict.UNCHECKED, "the live share " + split.path("liveSharePercent")
                    + "% cannot be checked without a spec that matches the chain");
        }
        return new Check(what, Verdict.MATCH, "the private part (" + (100 - spec.get().liveBoard().sharePercent())
                + "% of rows, " + LiveSplit.RULE + ") of the test set committed on-chain");
    }

    /** The posted ranking is in the contract's order: best score first, ties to the earlier commitment. */
    private void checkOrder(List<String> differences) {
        Comparator<ChainFacts.Ranked> best = Comparator.comparingLong((ChainFacts.Ranked r) ->
                chain.higherIsBetter() ? -r.score() : r.score()).thenComparingInt(ChainFacts.Ranked::submissionIndex);
        List<ChainFacts.Ranked> sorted = chain.ranked().stream().sorted(best).toList();
        if (!sorted.equals(chain.ranked())) {
            differences.add("the ranking on-chain is not in score order");
        }
    }

    private void checkModels(List<Check> checks, Optional<JsonNode> document, Map<Integer, Path> models,
            Map<Integer, String> problems) {
        Map<Integer, String> contributors = new HashMap<>();
        Map<Integer, String> claimedSha = new HashMap<>();
        for (ChainFacts.Ranked r : chain.ranked()) {
            contributors.put(r.submissionIndex(), r.contributor());
            claimedSha.put(r.submissionIndex(), r.modelSha256());
        }
        document.ifPresent(d -> {
            for (JsonNode e : d.path("excluded")) {
                int index = e.path("submissionIndex").asInt(-1);
                contributors.putIfAbsent(index, e.path("contributor").asText().toLowerCase(Locale.ROOT));
            }
        });
        for (Map.Entry<Integer, String> entry : contributors.entrySet()) {
            int index = entry.getKey();
            String sha = claimedSha.get(index);
            if (sha == null) {
                // an exclusion: the document names no model; a file at hand is its model if it opens the commitment
                matchByCommitment(index, entry.getValue()).ifPresent(file -> {
                    checks.add(new Check("model of submission " + index, Verdict.MATCH, "sha256 " + sha256(file)
                            + " opens the commitment " + chain.commitments().get(index)));
                    models.put(index, file);
                });
                continue;
            }
            Optional<Path> file = artifacts.model(index, sha);
            if (file.isEmpty()) {
                problems.put(index, "model not published");
                continue;
            }
            String actual = sha256(file.get());
            String commitment = ChainFacts.submissionCommitment(actual, entry.getValue());
            String onChain = index < chain.commitments().size() ? chain.commitments().get(index) : "(none)";
            String what = "model of submission " + index;
            Optional<ChainFacts.Batch> batch = chain.batchOf(index);
            if (batch.isPresent()) {
                // a relayed submission: no commitment of its own on-chain, but a leaf under its batch's root
                String problem = relayProblem(index, entry.getValue(), commitment, batch.get());
                if (problem != null) {
                    checks.add(new Check(what, Verdict.MISMATCH, problem));
                    problems.put(index, "the relayed submission's proof does not hold");
                } else if (!actual.equals(sha)) {
                    checks.add(new Check(what, Verdict.MISMATCH, "sha256 " + actual + " is committed, but the results"
                            + " name " + sha));
                    problems.put(index, "the results name another model");
                } else {
                    checks.add(new Check(what, Verdict.MATCH, "sha256 " + actual + ": its signed leaf and inclusion proof"
                            + " lead to the root " + batch.get().root() + " of the batch posted at index "
                            + batch.get().firstIndex()));
                    models.put(index, file.get());
                }
                continue;
            }
            if (!commitment.equals(onChain)) {
                checks.add(new Check(what, Verdict.MISMATCH, "the file hashes to sha256 " + actual + ", whose commitment for "
                        + entry.getValue() + " is " + commitment + ", but the chain holds " + onChain));
                problems.put(index, "the model file fails its commitment");
            } else if (!actual.equals(sha)) {
                checks.add(new Check(what, Verdict.MISMATCH, "sha256 " + actual + " is committed, but the results name "
                        + sha));
                problems.put(index, "the results name another model");
            } else {
                checks.add(new Check(what, Verdict.MATCH, "sha256 " + actual + " opens the commitment " + onChain));
                models.put(index, file.get());
            }
        }
    }

    /**
     * Why a ranked relayed submission's proof does not hold, or null when it does: the proof the results transaction
     * carried (read from its calldata) must name the batch posted on-chain, and the leaf of the contributor's signed
     * submission of this model (docs/protocol.md, "Relayed submissions"), with its siblings, must lead to that batch's
     * root, signed by the contributor, before the signed deadline.
     */
    private String relayProblem(int index, String contributor, String commitment, ChainFacts.Batch batch) {
        Optional<ChainFacts.Ranked> ranked = chain.ranked().stream().filter(r -> r.submissionIndex() == index).findFirst();
        ChainFacts.RelayProof proof = ranked.map(r -> chain.relayProofs().get(r.rank())).orElse(null);
        if (proof == null) {
            return "relayed in the batch posted at index " + batch.firstIndex() + ", but the results transaction on-chain"
                    + " carries no relay proof for it";
        }
        if (proof.batchFirstIndex() != batch.firstIndex() || proof.batchLeafCount() != batch.leafCount()
                || proof.batchPostedAt() != batch.postedAt()) {
            return "its relay proof names the batch at index " + proof.batchFirstIndex() + " (" + proof.batchLeafCount()
                    + " leaves, posted at " + proof.batchPostedAt() + "), but the batch posted on-chain is at index "
                    + batch.firstIndex() + " (" + batch.leafCount() + " leaves, posted at " + batch.postedAt() + ")";
        }
        if (proof.sequence() < 0 || proof.sequence() > 0xffff || proof.deadline() <= 0) {
            return "its relay proof's sequence " + proof.sequence() + " or deadline " + proof.deadline()
                    + " is out of range";
        }
        byte[] digest = new RelayedSubmission(chain.chainId(), chain.market(), chain.bountyId(),
                Numeric.hexStringToByteArray(commitment), contributor, proof.sequence(), proof.deadline()).digest();
        byte[] leaf = RelayedSubmission.leaf(index - batch.firstIndex(), digest);
        String root = ChainFacts.hex(RelayTree.rootOf(leaf, proof.proof()));
        if (!root.equals(batch.root())) {
            return "the leaf of this model signed by " + contributor + " (sequence " + proof.sequence() + ", deadline "
                    + proof.deadline() + ") and its inclusion proof lead to the root " + root + ", but the batch posted"
                    + " on-chain at index " + batch.firstIndex() + " has the root " + batch.root();
        }
        if (batch.postedAt() >= proof.deadline()) {
            return "its batch was posted at " + batch.postedAt() + ", not before the signed deadline " + proof.deadline();
        }
        try {
            String signer = RelayedSubmission.signer(digest, proof.signature());
            if (!signer.equals(contributor)) {
                return "the signature of its leaf is " + signer + "'s, not the contributor " + contributor + "'s";
            }
        } catch (java.security.SignatureException | RuntimeException e) {
            return "the signature of its leaf is not valid: " + e.getMessage();
        }
        return null;
    }

    private Optional<Path> matchByCommitment(int index, String contributor) {
        if (index < 0 || index >= chain.commitments().size()) {
            return Optional.empty();
        }
        for (Path file : artifacts.otherModels()) {
            if (ChainFacts.submissionCommitment(sha256(file), contributor).equals(chain.commitments().get(index))) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    // ---- step 2: re-runs ----

    private List<Row> rerun(HashStep hashes) {
        List<Row> rows = new ArrayList<>();
        Map<Integer, JsonNode> documentEntries = new HashMap<>();
        hashes.document().ifPresent(d -> d.path("entries").forEach(e -> documentEntries.put(e.path("submissionIndex")
                .asInt(-1), e)));
        String cannotRun = hashes.spec().isEmpty() ? "no spec that matches the chain"
                : hashes.salt().isEmpty() ? "no test set that matches the chain" : null;
        for (ChainFacts.Ranked r : chain.ranked()) {
            String entry = "rank " + r.rank();
            JsonNode posted = documentEntries.get(r.submissionIndex());
            String problem = cannotRun != null ? cannotRun : hashes.modelProblems().get(r.submissionIndex());
            if (problem == null && !hashes.models().containsKey(r.submissionIndex())) {
                problem = "model not published";
            }
            if (problem != null) {
                rows.add(new Row(entry, r.submissionIndex(), r.contributor(), r.score(), null,
                        problem.startsWith("the") ? Verdict.MISMATCH : Verdict.UNCHECKED, problem));
                continue;
            }
            EvaluationOutcome outcome = evaluate(hashes, r.submissionIndex(), r.contributor(),
                    hashes.models().get(r.submissionIndex()));
            if (outcome instanceof EvaluationOutcome.Failure failure) {
                rows.add(new Row(entry, r.submissionIndex(), r.contributor(), r.score(), failure.error().code().name(),
                        Verdict.MISMATCH, "ranked, but the re-run fails: " + failure.error().getMessage()));
                continue;
            }
            EvaluationResult result = ((EvaluationOutcome.Success) outcome).result();
            long score = result.report().score();
            String reportHash = result.report().hash();
            List<String> why = new ArrayList<>();
            if (score != r.score()) {
                why.add("score " + score + " recomputed, " + r.score() + " posted");
            }
            String postedReport = posted == null ? null : posted.path("reportHash").asText(null);
            if (postedReport == null) {
                why.add("no report hash for it in the results document");
            } else if (!postedReport.equalsIgnoreCase(reportHash)) {
                why.add("report hash " + reportHash + " recomputed, " + postedReport + " in the results document");
            }
            rows.add(new Row(entry, r.submissionIndex(), r.contributor(), r.score(), Long.toString(score),
                    why.isEmpty() ? Verdict.MATCH : Verdict.MISMATCH, why.isEmpty() ? "report hash " + reportHash
                            : String.join("; ", why)));
        }
        hashes.document().ifPresent(d -> {
            for (JsonNode e : d.path("excluded")) {
                rows.add(exclusion(hashes, e, cannotRun));
            }
        });
        return rows;
    }

    private Row exclusion(HashStep hashes, JsonNode excluded, String cannotRun) {
        int index = excluded.path("submissionIndex").asInt(-1);
        String contributor = excluded.path("contributor").asText().toLowerCase(Locale.ROOT);
        String reason = excluded.path("reason").asText();
        String entry = "excluded";
        switch (reason) {
            case "JUDGE_OF_BOUNTY" -> {
                boolean judge = contributor.equals(chain.sponsor()) || contributor.equals(chain.evaluator())
                        || contributor.equals(chain.arbiter());
                return new Row(entry, index, contributor, null, reason, judge ? Verdict.MATCH : Verdict.MISMATCH, judge
                        ? "the contributor is the bounty's sponsor, evaluator or arbiter on-chain"
                        : "excluded as a judge, but the chain names someone else as sponsor, evaluator and arbiter");
            }
            case "NOT_CONTRIBUTORS_BEST" -> {
                Optional<ChainFacts.Ranked> best = chain.ranked().stream()
                        .filter(r -> r.contributor().equals(contributor)).findFirst();
                if (best.isEmpty()) {
                    return new Row(entry, index, contributor, null, reason, Verdict.MISMATCH,
                            "excluded as not the contributor's best, but the contributor has no ranked entry");
                }
                ChainFacts.Ranked ranked = best.get();
                if (cannotRun != null || !hashes.models().containsKey(index)) {
                    return new Row(entry, index, contributor, null, reason, Verdict.UNCHECKED, "the contributor's entry"
                            + " at rank " + ranked.rank() + " counts; " + (cannotRun != null ? cannotRun
                                    : "this model is not published"));
                }
                EvaluationOutcome outcome = evaluate(hashes, index, contributor, hashes.models().get(index));
                if (outcome instanceof EvaluationOutcome.Failure failure) {
                    return new Row(entry, index, contributor, null, failure.error().code().name(), Verdict.MATCH,
                            "fails (" + failure.error().code().name() + "), so the ranked entry is the contributor's best");
                }
                long score = ((EvaluationOutcome.Success) outcome).result().report().score();
                boolean beats = chain.higherIsBetter() ? score > ranked.score() : score < ranked.score();
                boolean better = beats || score == ranked.score() && index < ranked.submissionIndex();
                return new Row(entry, index, contributor, null, Long.toString(score), better ? Verdict.MISMATCH
                        : Verdict.MATCH, better ? "scores " + score + ", better than the contributor's ranked entry ("
                                + ranked.score() + "): it should have been ranked instead"
                                : "scores " + score + ", not better than the contributor's ranked entry");
            }
            case "MODEL_NOT_UPLOADED" -> {
                return new Row(entry, index, contributor, null, reason, Verdict.UNCHECKED,
                        "committed on-chain, never uploaded (only its contributor can show otherwise)");
            }
            default -> {
                Optional<Path> model = hashes.models().containsKey(index) ? Optional.of(hashes.models().get(index))
                        : Optional.empty();
                if (cannotRun != null || model.isEmpty()) {
                    return new Row(entry, index, contributor, null, reason, Verdict.UNCHECKED,
                            cannotRun != null ? cannotRun : "excluded as " + reason + "; its model is not published");
                }
                EvaluationOutcome outcome = evaluate(hashes, index, contributor, model.get());
                if (outcome instanceof EvaluationOutcome.Failure failure) {
                    boolean same = failure.error().code().name().equals(reason);
                    return new Row(entry, index, contributor, null, failure.error().code().name(),
                            same ? Verdict.MATCH : Verdict.MISMATCH, same ? failure.error().getMessage()
                                    : "excluded as " + reason + ", but the re-run fails with "
                                            + failure.error().code().name());
                }
                long score = ((EvaluationOutcome.Success) outcome).result().report().score();
                return new Row(entry, index, contributor, null, Long.toString(score), Verdict.MISMATCH,
                        "excluded as " + reason + ", but the re-run scores " + score);
            }
        }
    }

    /** Runs one submission's model and keeps what it gave, for {@link #corrected}. */
    private EvaluationOutcome evaluate(HashStep hashes, int index, String contributor, Path model) {
        EvaluationOutcome outcome = evaluate(hashes, model);
        if (outcome instanceof EvaluationOutcome.Success success) {
            outcomes.put(index, new Rerun(index, contributor, sha256(model), success.result().report().score(),
                    success.result().report().hash(), null));
        } else {
            outcomes.put(index, new Rerun(index, contributor, null, 0, null,
                    ((EvaluationOutcome.Failure) outcome).error().code().name()));
        }
        return outcome;
    }

    private EvaluationOutcome evaluate(HashStep hashes, Path model) {
        Path testSet = hashes.testSet().orElseThrow();
        long size;
        try {
            size = Files.size(testSet);
        } catch (IOException e) {
            size = 0;
        }
        // the private part, split by the salt that opened the commitment on-chain: never a salt the server names
        EvaluationRequest request = new EvaluationRequest(hashes.spec().orElseThrow(), model, testSet)
                .part(hashes.salt().orElseThrow(), LiveSplit.Part.PRIVATE);
        return runner.run(hashes.spec().get(), request, size);
    }

    static String sha256(Path file) {
        try {
            String hex = Hashes.sha256(file);
            return (hex.startsWith("0x") ? hex : "0x" + hex).toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new dev.bountymarket.cli.CliException(dev.bountymarket.cli.ExitCodes.LOCAL, "cannot read " + file + ": "
                    + e.getMessage());
        }
    }

}
