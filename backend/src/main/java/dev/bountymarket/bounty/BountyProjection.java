package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.hibernate.jpa.HibernateHints;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ChainIndexer.ChainReorganized;
import dev.bountymarket.chain.ChainIndexer.EventsIndexed;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.submission.Submission;
import io.quarkus.logging.Log;

/**
 * Derives the on-chain half of bounties, submissions and payouts from indexed events, inside the indexer's
 * transaction. After a reorg it derives an affected bounty again from scratch: its chain fields are cleared and its
 * remaining events applied in order, so the database never keeps what an orphaned block said.
 */
@ApplicationScoped
public class BountyProjection {

    /** Events loaded, and Submitted events applied, at a time. */
    private static final int CHUNK = 1000;

    private static final String[] PAYOUT_KINDS = {"Prize", "Refund", "Fee", "ChallengeReward", "BondReturned",
            "BondForfeited"};

    @Inject
    EvaluationQueue evaluations;

    @Inject
    dev.bountymarket.submission.RelayService relay;

    void onIndexed(@Observes EventsIndexed indexed) {
        List<ChainEvent> events = new ArrayList<>(indexed.eventIds().size());
        for (int from = 0; from < indexed.eventIds().size(); from += CHUNK) {
            List<Long> ids = indexed.eventIds().subList(from, Math.min(from + CHUNK, indexed.eventIds().size()));
            events.addAll(ChainEvent.<ChainEvent>find("id in ?1", ids).withHint(HibernateHints.HINT_READ_ONLY, true).list());
        }
        events.sort(Comparator.<ChainEvent>comparingLong(e -> e.blockNumber).thenComparingInt(e -> e.logIndex));
        apply(events);
    }

    void onReorg(@Observes ChainReorganized reorg) {
        for (BigInteger onchainId : reorg.bountyIds()) {
            Bounty.findOnChain(reorg.contract(), onchainId).ifPresent(this::reset);
            apply(ChainEvent.ofBounty(reorg.contract(), onchainId));
        }
    }

    /**
     * Applies events in chain order. A busy bounty's log is mostly Submitted events, so a run of them is applied
     * {@value #CHUNK} at a time with two queries (their bounties, and the uploads waiting for their commitments) and
     * batched writes, instead of several round trips each.
     */
    void apply(List<ChainEvent> events) {
        int i = 0;
        while (i < events.size()) {
            int end = i;
            while (end < events.size() && end - i < CHUNK && events.get(end).name.equals("Submitted")) {
                end++;
            }
            if (end > i) {
                submitted(events.subList(i, end));
                i = end;
            } else {
                apply(events.get(i++));
            }
        }
    }

    /** Back to what was drafted here, as if the chain had said nothing yet. */
    void reset(Bounty bounty) {
        Payout.delete("bountyId", bounty.id);
        Submission.delete("bountyId = ?1 and modelKey is null", bounty.id);
        for (Submission submission : Submission.ofBounty(bounty.id)) {
            submission.chainIndex = null;
            submission.committedTx = null;
            submission.committedAt = null;
            clearRank(submission);
        }
        if (bounty.testSetKey == null) {
            // Created on-chain without this marketplace: it exists only because of its events.
            Submission.delete("bountyId", bounty.id);
            bounty.delete();
            return;
        }
        bounty.onchainId = null;
        bounty.status = BountyStatus.DRAFT;
        bounty.reward = null;
        bounty.submissionCount = 0;
        bounty.reportHash = null;
        bounty.challengeDeadline = null;
        bounty.challenger = null;
        bounty.testSetRevealed = false;
        bounty.resultsOverturned = false;
        bounty.createdTx = null;
        bounty.updatedAt = Instant.now();
    }

    /** A batch of relayed submissions: its leaves take their indexes, and are evaluated like direct submissions. */
    private void batchPosted(Bounty bounty, ChainEvent event, BountyMarket.BatchPostedEventResponse e) {
        relay.posted(bounty, event, e);
        Optional<LiveBoardSpec> live = bounty.testSetKey == null ? Optional.empty() : bounty.liveBoard();
        Submission.<Submission>list("relayBatchId is not null and bountyId = ?1 and chainIndex >= ?2 and chainIndex < ?3",
                bounty.id, e.firstIndex.intValueExact(), e.firstIndex.add(e.leafCount).intValueExact()).forEach(s -> {
                    if (s.modelKey != null && s.publicScore == null) {
                        evaluations.enqueue(s.id, EvaluationJob.Kind.PUBLIC);
                    }
                    if (s.modelKey != null && live.isPresent()) {
                        // The live board scores a relayed submission like a direct one (see submitted).
                        evaluations.enqueueLive(s.id, bounty.id, s.contributor, live.get().scoringsPerDay());
                    }
                });
    }

    /** Any event but Submitted (see {@link #apply(List)}). */
    private void apply(ChainEvent event) {
        if (event.bountyId == null) {
            return;
        }
        var log = event.toLog();
        if (event.name.equals("BountyCreated")) {
            created(event, BountyMarket.getBountyCreatedEventFromLog(log));
            return;
        }
        Bounty bounty = Bounty.findOnChain(event.contract, event.bountyId).orElse(null);
        if (bounty == null) {
            Log.warnf("%s for unknown bounty %s in tx %s", event.name, event.bountyId, event.txHash);
            return;
        }
        bounty.updatedAt = Instant.now();
        switch (event.name) {
            case "BountyTerms" -> {
                var e = BountyMarket.getBountyTermsEventFromLog(log);
                bounty.higherIsBetter = e.metricDirection.signum() == 0;
                bounty.threshold = e.threshold.longValueExact();
                bounty.revealPolicy = e.revealPolicy.signum() == 0 ? "public" : "confidential";
                bounty.maxSubmissions = e.maxSubmissionsPerContributor.intValueExact();
                bounty.shares = e.shares.stream().mapToInt(BigInteger::intValueExact).toArray();
                bounty.challengeWindowSeconds = e.challengeWindow.longValueExact();
                bounty.challengeBond = e.challengeBond;
            }
            case "ToppedUp" -> bounty.reward = BountyMarket.getToppedUpEventFromLog(log).newReward;
            case "BountyCancelled" -> bounty.status = BountyStatus.CANCELLED;
            case "BatchPosted" -> batchPosted(bounty, event, BountyMarket.getBatchPostedEventFromLog(log));
            case "ResultRanked" -> ranked(bounty, BountyMarket.getResultRankedEventFromLog(log));
            case "ResultsProposed" -> {
                var e = BountyMarket.getResultsProposedEventFromLog(log);
                bounty.status = BountyStatus.PROPOSED;
                bounty.reportHash = Numeric.toHexString(e.reportHash);
                bounty.challengeDeadline = Instant.ofEpochSecond(e.challengeDeadline.longValueExact());
            }
            case "TestSetRevealed" -> bounty.testSetRevealed = true;
            case "ChallengeDeadlineExtended" -> bounty.challengeDeadline = Instant.ofEpochSecond(
                    BountyMarket.getChallengeDeadlineExtendedEventFromLog(log).challengeDeadline.longValueExact());
            case "Challenged" -> {
                // Several may challenge; the first is kept here, all of them are in the events (ResultEvents).
                bounty.status = BountyStatus.DISPUTED;
                if (bounty.challenger == null) {
                    bounty.challenger = BountyMarket.getChallengedEventFromLog(log).challenger;
                }
            }
            case "ResultsUpheld" -> bounty.status = BountyStatus.RESOLVED;
            case "ResultsOverturned" -> {
                var e = BountyMarket.getResultsOverturnedEventFromLog(log);
                bounty.status = BountyStatus.RESOLVED;
                bounty.resultsOverturned = true;
                bounty.reportHash = Numeric.toHexString(e.reportHash);
                // The arbiter's corrected document, if this overturn is the one prepared with it, is now the results.
                if (bounty.overturnResultsJson != null && java.util.Arrays.equals(e.reportHash, org.web3j.crypto.Hash
                        .sha3(bounty.overturnResultsJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                    bounty.resultsJson = bounty.overturnResultsJson;
                } else {
                    // an overturn sent with another document: serving the replaced one would contradict the chain
                    bounty.resultsJson = null;
                }
                if (e.entryCount.signum() == 0) {
                    // An empty ranking has no rank-0 ResultRanked to clear the replaced one.
                    Submission.<Submission>list("bountyId", bounty.id).forEach(BountyProjection::clearRank);
                }
            }
            case "BountyFinalized" -> bounty.status = BountyStatus.FINALIZED;
            case "BountyExpired" -> bounty.status = BountyStatus.EXPIRED;
            case "Payout" -> payout(bounty, event, BountyMarket.getPayoutEventFromLog(log));
            default -> Log.debugf("%s changes no bounty field", event.name);
        }
    }

    private void created(ChainEvent event, BountyMarket.BountyCreatedEventResponse e) {
        String commitment = Numeric.toHexString(e.testSetCommitment);
        // The draft is found by its sponsor too: someone who copies a pending commitment gets a bounty of their own.
        Bounty bounty = Bounty.findDraft(event.contract, e.sponsor, commitment).orElse(null);
        if (bounty == null) {
            bounty = new Bounty();
            bounty.chainId = event.chainId;
            bounty.contract = event.contract;
            bounty.sponsor = e.sponsor;
            bounty.title = "Bounty #" + e.bountyId;
            bounty.description = "Created on-chain outside this marketplace; its spec is not known here.";
            bounty.specHash = Numeric.toHexString(e.specHash);
            bounty.testSetCommitment = commitment;
            bounty.createdAt = Instant.now();
        }
        bounty.onchainId = e.bountyId;
        bounty.status = BountyStatus.OPEN;
        bounty.specHash = Numeric.toHexString(e.specHash);
        bounty.token = e.token;
        bounty.reward = e.amount;
        bounty.submissionDeadline = Instant.ofEpochSecond(e.submissionDeadline.longValueExact());
        bounty.evaluationDeadline = Instant.ofEpochSecond(e.evaluationDeadline.longValueExact());
        bounty.evaluator = e.evaluator;
        bounty.arbiter = e.arbiter;
        bounty.createdTx = event.txHash;
        bounty.updatedAt = Instant.now();
        bounty.persist();
    }

    /** Submitted events in chain order: each commits the oldest upload waiting for its commitment, else a new row. */
    private void submitted(List<ChainEvent> events) {
        List<BountyMarket.SubmittedEventResponse> decoded = events.stream()
                .map(event -> BountyMarket.getSubmittedEventFromLog(event.toLog())).toList();
        Map<String, Bounty> bounties = new HashMap<>();
        events.stream().collect(Collectors.groupingBy(event -> event.contract,
                Collectors.mapping(event -> event.bountyId, Collectors.toSet())))
                .forEach((contract, onchainIds) -> Bounty.<Bounty>list("contract = ?1 and onchainId in ?2", contract,
                        onchainIds).forEach(b -> bounties.put(b.contract + "/" + b.onchainId, b)));
        Map<String, Deque<Submission>> waiting = new HashMap<>();
        if (!bounties.isEmpty()) {
            // A model in a relayed batch takes its index from the batch; sent directly as well, it is a second row.
            Submission.<Submission>list("bountyId in ?1 and commitment in ?2 and chainIndex is null"
                    + " and relayBatchId is null order by id",
                    bounties.values().stream().map(b -> b.id).toList(),
                    decoded.stream().map(e -> Numeric.toHexString(e.commitment)).distinct().toList())
                    .forEach(s -> waiting.computeIfAbsent(s.bountyId + "/" + s.commitment, k -> new ArrayDeque<>()).add(s));
        }
        Instant now = Instant.now();
        Map<Long, Optional<LiveBoardSpec>> liveTerms = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            ChainEvent event = events.get(i);
            BountyMarket.SubmittedEventResponse e = decoded.get(i);
            Bounty bounty = bounties.get(event.contract + "/" + event.bountyId);
            if (bounty == null) {
                Log.warnf("%s for unknown bounty %s in tx %s", event.name, event.bountyId, event.txHash);
                continue;
            }
            String commitment = Numeric.toHexString(e.commitment);
            Deque<Submission> uploads = waiting.get(bounty.id + "/" + commitment);
            Submission submission = uploads == null ? null : uploads.poll();
            if (submission == null) {
                submission = new Submission();
                submission.bountyId = bounty.id;
                submission.contributor = e.contributor;
                submission.commitment = commitment;
                submission.createdAt = now;
            }
            if (submission.relayed()) {
                // Signed for the relayer but sent directly (the page offers it when the relayer left it out): it
                // leaves the relayer's queue, so it is not posted a second time.
                submission.relaySequence = null;
                submission.relayDeadline = null;
                submission.relaySignature = null;
                submission.relaySignedAt = null;
            }
            submission.chainIndex = e.index.intValueExact();
            submission.committedTx = event.txHash;
            submission.committedAt = now;
            submission.persist();
            bounty.submissionCount = Math.max(bounty.submissionCount, submission.chainIndex + 1);
            bounty.updatedAt = now;
            if (submission.modelKey != null && submission.publicScore == null) {
                evaluations.enqueue(submission.id, EvaluationJob.Kind.PUBLIC);
            }
            if (submission.modelKey != null && bounty.testSetKey != null) {
                Optional<LiveBoardSpec> terms = liveTerms.computeIfAbsent(bounty.id, id -> bounty.liveBoard());
                if (terms.isPresent()) {
                    evaluations.enqueueLive(submission.id, bounty.id, submission.contributor, terms.get().scoringsPerDay());
                }
            }
        }
    }

    private void ranked(Bounty bounty, BountyMarket.ResultRankedEventResponse e) {
        if (e.rank.signum() == 0) {
            // A new ranking (proposed, or the arbiter's replacement) starts: forget the previous one.
            Submission.<Submission>list("bountyId", bounty.id).forEach(BountyProjection::clearRank);
        }
        Submission.findByIndex(bounty.id, e.submissionIndex.intValueExact()).ifPresent(submission -> {
            submission.rank = e.rank.intValueExact();
            submission.privateScore = e.score.longValueExact();
            submission.qualified = e.qualified;
            submission.paid = e.paid;
            if (submission.modelSha256 == null) {
                submission.modelSha256 = Numeric.toHexStringNoPrefix(e.modelSha256);
            }
        });
    }

    private void payout(Bounty bounty, ChainEvent event, BountyMarket.PayoutEventResponse e) {
        if (Payout.count("txHash = ?1 and logIndex = ?2", event.txHash, event.logIndex) > 0) {
            return;
        }
        Payout payout = new Payout();
        payout.bountyId = bounty.id;
        payout.recipient = e.recipient;
        payout.token = e.token;
        payout.kind = PAYOUT_KINDS[e.kind.intValueExact()];
        payout.amount = e.amount;
        payout.credited = e.credited;
        payout.txHash = event.txHash;
        payout.logIndex = event.logIndex;
        payout.persist();
    }

    private static void clearRank(Submission submission) {
        submission.rank = null;
        submission.privateScore = null;
        submission.qualified = null;
        submission.paid = null;
    }
}
