package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
import dev.bountymarket.submission.Submission;
import io.quarkus.logging.Log;

/**
 * The results the keeper proposes for a bounty, as a canonical JSON document whose keccak256 is the reportHash
 * posted on-chain: every committed submission's private score (on the hidden test set's private part, disjoint from
 * the live board's) and the hash of its evaluation report, or why it has none. Anyone holding the revealed test set and the models can recompute each report with the evaluator's
 * {@code verify} command and this document from those reports (docs/protocol.md, "Results document").
 */
@ApplicationScoped
public class ResultsDocument {

    /** 2: the document says which part of the hidden test set was scored ({@code split}). */
    public static final int VERSION = 2;

    private static final JsonMapper MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    private static final String NO_COMMITMENT = "0x" + "0".repeat(64);

    /** A proposal ready to sign: the ranked entries in contract order and the document's hash. */
    public record Proposal(List<BountyMarket.ResultEntry> entries, byte[] reportHash) {
    }

    /**
     * Whether every committed submission the mirror knows has finished its private evaluation: cheap, so the keeper
     * asks it before reading each commitment from the chain for {@link #prepare}.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean evaluated(long bountyId) {
        List<Submission> committed = committed(bountyId);
        return !pending(committed, privateJobs(committed));
    }

    /**
     * The bounty's results, once every submission the chain holds is committed in the mirror and its private
     * evaluation has finished. The document is stored so that a retried proposal carries the same bytes, but it is
     * checked against the chain every time: one built on an older view (the chain's clock went back, or a reorg
     * across the deadline let another submission in) is rebuilt, so no committed submission is ever left out.
     *
     * @param commitmentsOnChain the chain's submission commitments (0x hex) in index order, read at one block after
     *        the submission deadline, when no more can be added
     * @return empty while the mirror differs from the chain (the indexer will catch up) or evaluations are pending
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Proposal> prepare(long bountyId, List<String> commitmentsOnChain) {
        Bounty bounty = Bounty.findById(bountyId);
        List<Submission> committed = committed(bountyId);
        if (!sameCommitments(committed, commitmentsOnChain)) {
            Log.debugf("Keeper: bounty %d has %d submissions on-chain, %d indexed: waiting for the indexer", bountyId,
                    commitmentsOnChain.size(), committed.size());
            return Optional.empty();
        }
        Map<Long, EvaluationJob> jobs = privateJobs(committed);
        if (pending(committed, jobs)) {
            return Optional.empty();
        }
        String current = build(bounty, committed, jobs);
        if (bounty.resultsJson != null && !bounty.resultsJson.equals(current)) {
            Log.warnf("Keeper: the stored results of bounty %d were built on an older view of the chain; rebuilt with"
                    + " its %d submissions", bountyId, committed.size());
        }
        bounty.resultsJson = current;
        return Optional.of(proposal(current));
    }

    private static List<Submission> committed(long bountyId) {
        return Submission.list("bountyId = ?1 and chainIndex is not null order by chainIndex", bountyId);
    }

    private static Map<Long, EvaluationJob> privateJobs(List<Submission> committed) {
        return EvaluationJob.<EvaluationJob>list("kind = ?1 and submissionId in ?2", EvaluationJob.Kind.PRIVATE,
                committed.stream().map(s -> s.id).toList())
                .stream().collect(Collectors.toMap(j -> j.submissionId, Function.identity()));
    }

    /** Whether a committed submission with an uploaded model has not finished (or not started) its evaluation. */
    private static boolean pending(List<Submission> committed, Map<Long, EvaluationJob> jobs) {
        return committed.stream().anyMatch(s -> s.modelKey != null
                && (!jobs.containsKey(s.id) || !jobs.get(s.id).finished()));
    }

    /** Whether the mirror holds exactly the chain's submissions: index i has the chain's i-th commitment. */
    static boolean sameCommitments(List<Submission> committed, List<String> commitmentsOnChain) {
        if (committed.size() != commitmentsOnChain.size()) {
            return false;
        }
        for (int i = 0; i < committed.size(); i++) {
            Submission s = committed.get(i);
            // A relayed submission's index holds no commitment on-chain: its batch root does (docs/protocol.md).
            String expected = s.relayBatchId != null ? NO_COMMITMENT : s.commitment;
            if (s.chainIndex != i || !expected.equalsIgnoreCase(commitmentsOnChain.get(i))) {
                return false;
            }
        }
        return true;
    }

    static String build(Bounty bounty, List<Submission> committed, Map<Long, EvaluationJob> jobs) {
        boolean higherIsBetter = bounty.higherIsBetter == null || bounty.higherIsBetter;
        Comparator<Scored> best = Comparator.comparingLong((Scored s) -> higherIsBetter ? -s.job.score : s.job.score)
                .thenComparingInt(s -> s.submission.chainIndex);
        List<Scored> scored = new ArrayList<>();
        ArrayNode excluded = CanonicalJson.NODES.arrayNode();
        for (Submission s : committed) {
            EvaluationJob job = jobs.get(s.id);
            if (overLimit(bounty, s, committed)) {
                // The contract counts a relayed leaf only below the limit less its contributor's direct submissions.
                ObjectNode why = excluded.addObject();
                why.put("submissionIndex", s.chainIndex);
                why.put("contributor", s.contributor.toLowerCase());
                why.put("reason", "RELAYED_OVER_LIMIT");
            } else if (bounty.judgeRole(s.contributor).isPresent()) {
                // The contract never pays a judge's entry; left out so that it takes no paid rank from anyone.
                ObjectNode why = excluded.addObject();
                why.put("submissionIndex", s.chainIndex);
                why.put("contributor", s.contributor.toLowerCase());
                why.put("reason", "JUDGE_OF_BOUNTY");
            } else if (job != null && job.status == EvaluationJob.Status.DONE) {
                scored.add(new Scored(s, job));
            } else {
                ObjectNode why = excluded.addObject();
                why.put("submissionIndex", s.chainIndex);
                why.put("contributor", s.contributor.toLowerCase());
                why.put("reason", job == null ? "MODEL_NOT_UPLOADED" : job.errorCode);
            }
        }
        scored.sort(best);
        // The contract pays a contributor for at most one rank: each contributor's best submission is ranked.
        Set<String> ranked = new HashSet<>();
        ArrayNode entries = CanonicalJson.NODES.arrayNode();
        for (Scored s : scored) {
            String contributor = s.submission.contributor.toLowerCase();
            if (!ranked.add(contributor)) {
                ObjectNode why = excluded.addObject();
                why.put("submissionIndex", s.submission.chainIndex);
                why.put("contributor", contributor);
                why.put("reason", "NOT_CONTRIBUTORS_BEST");
                continue;
            }
            ObjectNode entry = entries.addObject();
            entry.put("rank", entries.size() - 1);
            entry.put("submissionIndex", s.submission.chainIndex);
            entry.put("contributor", contributor);
            entry.put("modelSha256", "0x" + s.submission.modelSha256);
            entry.put("score", s.job.score);
            entry.put("reportHash", s.job.reportHash);
        }
        ObjectNode root = CanonicalJson.NODES.objectNode();
        root.put("version", VERSION);
        root.put("chainId", bounty.chainId);
        root.put("contract", bounty.contract.toLowerCase());
        root.put("bountyId", bounty.onchainId.toString());
        root.put("specHash", bounty.specHash);
        root.put("higherIsBetter", higherIsBetter);
        // Which rows were scored: the private part under the live split, recomputable once the salt is revealed.
        ObjectNode split = root.putObject("split");
        split.put("rule", LiveSplit.RULE);
        split.put("scoredPart", LiveSplit.Part.PRIVATE.wireName());
        split.put("liveSharePercent", bounty.liveBoard().orElse(LiveBoardSpec.DEFAULTS).sharePercent());
        split.put("testSetCommitment", bounty.testSetCommitment);
        root.set("entries", entries);
        root.set("excluded", excluded);
        return CanonicalJson.string(root);
    }

    /** The entries and reportHash of a results document (canonical JSON), as proposeResults and overturnResults take them. */
    public static Proposal proposal(String resultsJson) {
        JsonNode root;
        try {
            root = MAPPER.readTree(resultsJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored results document is not JSON: " + e.getMessage(), e);
        }
        List<BountyMarket.ResultEntry> entries = new ArrayList<>();
        for (JsonNode e : root.path("entries")) {
            entries.add(new BountyMarket.ResultEntry(BigInteger.valueOf(e.path("submissionIndex").asLong()),
                    e.path("contributor").asText(), Numeric.hexStringToByteArray(e.path("modelSha256").asText()),
                    BigInteger.valueOf(e.path("score").asLong())));
        }
        return new Proposal(entries, Hash.sha3(resultsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A relayed leaf whose sequence number is not below the limit less its contributor's direct submissions. */
    static boolean overLimit(Bounty bounty, Submission s, List<Submission> committed) {
        if (s.relayBatchId == null || s.relaySequence == null || bounty.maxSubmissions == null) {
            return false;
        }
        long direct = committed.stream().filter(c -> c.relayBatchId == null && c.contributor.equalsIgnoreCase(s.contributor))
                .count();
        return s.relaySequence >= bounty.maxSubmissions - direct;
    }

    private record Scored(Submission submission, EvaluationJob job) {
    }
}
