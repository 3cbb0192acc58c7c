package dev.bountymarket.submission;

import java.math.BigInteger;
import java.security.SignatureException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ContractDeployment;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.contracts.relay.RelayTree;
import dev.bountymarket.contracts.relay.RelayedSubmission;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.keeper.KeeperTransaction;
import io.quarkus.logging.Log;

/**
 * The relayer (docs/protocol.md, "Relayed submissions"): takes contributors' EIP-712 signed submissions of uploaded
 * models, hands the keeper (the market's relayer account, leader-only) batches to post, records where each batch landed
 * from its BatchPosted event, and serves each contributor the proof that their submission is in a posted root.
 * A batch is built once and keeps its leaves, so however often its transaction is retried, it posts the same root.
 */
@ApplicationScoped
public class RelayService {

    @Inject
    SubmissionService submissions;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainClock clock;

    @Inject
    RelayConfig config;

    // ------------------------------------------------------------------------------------------------
    // Contributors
    // ------------------------------------------------------------------------------------------------

    /**
     * Whether this server relays signed submissions (its keeper is the market's relayer), so the pages offer "sign (no
     * gas)". A chain that cannot be read now leaves only the direct commit, which needs no relayer.
     */
    public boolean available() {
        try {
            return registry.relayer().isPresent();
        } catch (ContractRegistry.ContractUnavailable e) {
            return false;
        }
    }

    /** The typed data the contributor's wallet signs for this uploaded model: its next sequence number, a deadline. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RelayView.SigningRequest signingRequest(long submissionId, String caller) {
        Submission submission = relayable(submissionId, caller);
        Bounty bounty = submissions.openForSubmissions(submission.bountyId, caller);
        int sequence = nextSequence(bounty, caller);
        long deadline = Math.min(clock.now().plus(config.signatureLifetime()).getEpochSecond(),
                bounty.submissionDeadline.getEpochSecond());
        return new RelayView.SigningRequest(submissionId, payload(bounty, submission, sequence, deadline).typedDataJson(),
                sequence, deadline);
    }

    /**
     * Takes a signed submission into the relayer's queue, after the checks the contract makes on a paid relayed entry:
     * the caller signed it (low s, v 27 or 28), the sequence number is free and below the limit less the caller's
     * direct submissions, the deadline leaves time to post it, and the bounty takes submissions.
     */
    @Transactional
    public RelayView.Status accept(long submissionId, String caller, int sequence, long deadline, String signatureHex) {
        Submission submission = relayable(submissionId, caller);
        if (submission.relayed()) {
            throw new BountyException(Code.NOT_NOW, "This model is already signed for the relayer (sequence "
                    + submission.relaySequence + ")");
        }
        Bounty bounty = submissions.openForSubmissions(submission.bountyId, caller);
        int limit = bounty.maxSubmissions == null ? 0xffff : bounty.maxSubmissions;
        long direct = directCount(bounty.id, caller);
        if (sequence < 0 || sequence >= limit - direct) {
            throw new BountyException(Code.INVALID_REQUEST, "Sequence number " + sequence + " is out of range: this"
                    + " bounty takes " + limit + " submissions per contributor, " + direct + " of yours sent directly,"
                    + " so relayed ones are numbered 0 to " + (limit - direct - 1));
        }
        if (Submission.count("bountyId = ?1 and contributor = ?2 and relaySequence = ?3", bounty.id, caller, sequence) > 0) {
            throw new BountyException(Code.INVALID_REQUEST, "You already signed sequence number " + sequence
                    + " for this bounty; sign with " + nextSequence(bounty, caller));
        }
        submissions.requireLiveScoringLeft(bounty, caller);
        Instant now = clock.now();
        if (deadline < now.plus(config.batchInterval()).getEpochSecond()) {
            throw new BountyException(Code.INVALID_REQUEST, "The signed deadline " + Instant.ofEpochSecond(deadline)
                    + " leaves the relayer no time to post it (at least " + config.batchInterval() + " from now)");
        }
        RelayedSubmission payload = payload(bounty, submission, sequence, deadline);
        byte[] signature;
        String signer;
        try {
            signature = RelayedSubmission.normalize(Numeric.hexStringToByteArray(signatureHex));
            signer = RelayedSubmission.signer(payload.digest(), signature);
        } catch (SignatureException | RuntimeException e) {
            throw new BountyException(Code.INVALID_REQUEST, "The signature is not valid: " + e.getMessage());
        }
        if (!signer.equalsIgnoreCase(caller)) {
            throw new BountyException(Code.INVALID_REQUEST, "The signature is by " + signer + ", not by you (" + caller
                    + "): sign the typed data of GET /api/submissions/" + submissionId + "/relay with your own account");
        }
        submission.relaySequence = sequence;
        submission.relayDeadline = Instant.ofEpochSecond(deadline);
        submission.relaySignature = Numeric.toHexString(signature);
        submission.relaySignedAt = now;
        Log.infof("Relayer: submission %d of bounty %d signed by %s (sequence %d)", submission.id, bounty.id, caller,
                sequence);
        return status(submission, now);
    }

    /** Where a relayed submission is, and whether the relayer left it out past the batch it was expected in. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RelayView.Status status(long submissionId) {
        Submission submission = Submission.findById(submissionId);
        if (submission == null) {
            throw new BountyException(Code.SUBMISSION_NOT_FOUND, "There is no submission " + submissionId);
        }
        return status(submission, clock.now());
    }

    private RelayView.Status status(Submission s, Instant now) {
        if (!s.relayed()) {
            return new RelayView.Status(s.id, s.chainIndex != null ? "direct" : "unsigned", null, null, null, false,
                    s.chainIndex);
        }
        long expectedBy = s.relaySignedAt.plus(config.batchInterval().multipliedBy(2)).getEpochSecond();
        RelayBatch batch = s.relayBatchId == null ? null : RelayBatch.findById(s.relayBatchId);
        String state = batch == null ? "waiting" : batch.posted() ? "posted" : "posting";
        boolean leftOut = batch == null && now.getEpochSecond() >= expectedBy;
        return new RelayView.Status(s.id, state, s.relaySequence, s.relayDeadline.getEpochSecond(), expectedBy, leftOut,
                s.chainIndex);
    }

    /**
     * The inclusion proof of a posted relayed submission, with what the contract checks it against; the model hash only
     * to its contributor until submissions close, as everywhere.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RelayView.Proof proof(long submissionId, Optional<String> viewer) {
        Submission s = Submission.findById(submissionId);
        if (s == null) {
            throw new BountyException(Code.SUBMISSION_NOT_FOUND, "There is no submission " + submissionId);
        }
        if (!s.relayed()) {
            throw new BountyException(Code.NOT_NOW, "Submission " + submissionId + " was not relayed: it has no proof"
                    + (s.chainIndex != null ? " (it was sent directly, commit order " + (s.chainIndex + 1) + ")" : ""));
        }
        RelayBatch batch = s.relayBatchId == null ? null : RelayBatch.findById(s.relayBatchId);
        if (batch == null || !batch.posted()) {
            throw new BountyException(Code.NOT_NOW, "Submission " + submissionId + " is signed but not in a posted batch"
                    + " yet");
        }
        Bounty bounty = Bounty.findById(s.bountyId);
        List<byte[]> digests = digests(bounty, batch.leaves());
        RelayTree tree = new RelayTree(digests);
        byte[] digest = digests.get(s.relayLeaf);
        String modelSha256 = s.hashVisibleTo(bounty, viewer, clock.now()) ? s.modelSha256 : null;
        return new RelayView.Proof(s.id, bounty.onchainId.toString(), s.chainIndex, s.contributor, modelSha256,
                s.commitment, batch.firstIndex, batch.leafCount, batch.postedAt.getEpochSecond(), batch.root, s.relayLeaf,
                s.relaySequence, s.relayDeadline.getEpochSecond(), s.relaySignature, Numeric.toHexString(digest),
                tree.proof(s.relayLeaf).stream().map(Numeric::toHexString).toList(), batch.postedTx);
    }

    // ------------------------------------------------------------------------------------------------
    // The keeper (leader only)
    // ------------------------------------------------------------------------------------------------

    /** A batch to post for this open bounty: the one built earlier and not posted yet, else a new one when due. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<RelayBatch> batchToPost(long bountyId) {
        Bounty bounty = Bounty.findById(bountyId);
        Instant now = clock.now();
        if (!now.isBefore(bounty.submissionDeadline)) {
            return Optional.empty(); // too late: postBatch is refused from the deadline on
        }
        Optional<RelayBatch> unposted = RelayBatch.unposted(bountyId);
        if (unposted.isPresent()) {
            // Posted once already, or on its way: wait for its BatchPosted (a second postBatch would reserve a second
            // range for the same leaves). Only a transaction that can no longer land lets it be sent again.
            Long txId = unposted.get().keeperTransactionId;
            KeeperTransaction tx = txId == null ? null : KeeperTransaction.findById(txId);
            if (tx != null && tx.status != KeeperTransaction.Status.REVERTED && tx.status != KeeperTransaction.Status.DROPPED) {
                return Optional.empty();
            }
            return unposted;
        }
        // Leaves whose signature would lapse before the batch is mined are left for the contributor to send directly.
        Instant lapsesAfter = now.plusSeconds(30);
        List<Submission> waiting = Submission.list("bountyId = ?1 and relaySignature is not null and relayBatchId is null"
                + " and chainIndex is null and relayDeadline > ?2 order by relaySignedAt, id", bountyId, lapsesAfter);
        if (waiting.isEmpty()) {
            return Optional.empty();
        }
        boolean closing = !now.isBefore(bounty.submissionDeadline.minus(config.closingMargin()));
        boolean waitedLongEnough = !now.isBefore(waiting.get(0).relaySignedAt.plus(config.batchInterval()));
        boolean lapsing = waiting.stream().anyMatch(s -> s.relayDeadline.isBefore(now.plus(config.batchInterval())));
        if (!closing && !waitedLongEnough && !lapsing) {
            return Optional.empty();
        }
        List<Submission> leaves = waiting.subList(0, Math.min(waiting.size(), config.maxLeaves()));
        RelayTree tree = new RelayTree(digests(bounty, leaves));
        RelayBatch batch = new RelayBatch();
        batch.bountyId = bountyId;
        batch.root = Numeric.toHexString(tree.root());
        batch.leafCount = leaves.size();
        batch.createdAt = Instant.now();
        batch.persist();
        for (int i = 0; i < leaves.size(); i++) {
            leaves.get(i).relayBatchId = batch.id;
            leaves.get(i).relayLeaf = i;
        }
        Log.infof("Relayer: batch %d of bounty %d with %d signed submissions, root %s", batch.id, bountyId,
                leaves.size(), batch.root);
        return Optional.of(batch);
    }

    /** The keeper recorded the batch's postBatch transaction. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void recordTransaction(long batchId, long keeperTransactionId) {
        RelayBatch batch = RelayBatch.findById(batchId);
        batch.keeperTransactionId = keeperTransactionId;
    }

    /**
     * The relay proofs of a ranking's relayed entries, by rank (what {@code proposeResultsWithProofs} takes); empty when
     * no entry is relayed. An entry that cannot be paid carries no signature (zeros, a quarter of the calldata gas): the
     * contract checks signatures on paid ranks only, and the ranking lists no judge's entry and one entry per
     * contributor, so the paid ranks are the first {@code shares} qualifying entries.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<BountyMarket.RelayProof> proofsFor(long bountyId, List<BountyMarket.ResultEntry> entries) {
        Bounty bounty = Bounty.findById(bountyId);
        Map<Long, RelayTree> trees = new HashMap<>();
        List<BountyMarket.RelayProof> proofs = new ArrayList<>();
        for (int rank = 0; rank < entries.size(); rank++) {
            BountyMarket.ResultEntry entry = entries.get(rank);
            int index = entry.submissionIndex.intValueExact();
            Submission s = Submission.findByIndex(bountyId, index).orElseThrow();
            if (!s.relayed() || s.relayBatchId == null) {
                continue;
            }
            RelayBatch batch = RelayBatch.findById(s.relayBatchId);
            RelayTree tree = trees.computeIfAbsent(batch.id, id -> new RelayTree(digests(bounty, batch.leaves())));
            byte[] signature = Numeric.hexStringToByteArray(s.relaySignature);
            BigInteger fields = relayFields(rank, batch.firstIndex, batch.leafCount, batch.postedAt.getEpochSecond(),
                    s.relaySequence, s.relayDeadline.getEpochSecond(), signature[64] & 0xff);
            boolean unpaid = bounty.shares != null && (rank >= bounty.shares.length || !qualifies(bounty, entry.score));
            proofs.add(new BountyMarket.RelayProof(fields,
                    unpaid ? new byte[32] : Arrays.copyOfRange(signature, 0, 32),
                    unpaid ? new byte[32] : Arrays.copyOfRange(signature, 32, 64), tree.proof(s.relayLeaf)));
        }
        return proofs;
    }

    /**
     * {@code RelayProof.fields}: rank, batch first index, batch leaf count, batch time, sequence, deadline and v packed
     * from the lowest bit in 32, 32, 16, 40, 16, 64 and 8 bits (IBountyMarket.sol).
     */
    static BigInteger relayFields(long rank, long batchFirstIndex, long batchLeafCount, long batchPostedAt,
            long sequence, long deadline, int v) {
        return fit(rank, 32, "rank")
                .or(fit(batchFirstIndex, 32, "batch first index").shiftLeft(32))
                .or(fit(batchLeafCount, 16, "batch leaf count").shiftLeft(64))
                .or(fit(batchPostedAt, 40, "batch time").shiftLeft(80))
                .or(fit(sequence, 16, "sequence").shiftLeft(120))
                .or(fit(deadline, 64, "deadline").shiftLeft(136))
                .or(fit(v, 8, "signature v").shiftLeft(200));
    }

    private static BigInteger fit(long value, int bits, String name) {
        BigInteger big = BigInteger.valueOf(value);
        if (value < 0 || big.bitLength() > bits) {
            throw new IllegalStateException("A relay proof's " + name + " " + value + " does not fit its " + bits
                    + " bits (IBountyMarket.RelayProof)");
        }
        return big;
    }

    /** Whether the score passes the bounty's threshold as the contract compares it; true when the terms are unknown. */
    private static boolean qualifies(Bounty bounty, BigInteger score) {
        if (bounty.threshold == null || bounty.higherIsBetter == null) {
            return true;
        }
        int order = score.compareTo(BigInteger.valueOf(bounty.threshold));
        return bounty.higherIsBetter ? order >= 0 : order <= 0;
    }

    // ------------------------------------------------------------------------------------------------
    // The indexer's projection
    // ------------------------------------------------------------------------------------------------

    /** A BatchPosted event: the batch's leaves take their submission indexes (first index + leaf). */
    public void posted(Bounty bounty, ChainEvent event, BountyMarket.BatchPostedEventResponse e) {
        String root = Numeric.toHexString(e.root);
        Optional<RelayBatch> found = RelayBatch.findByRoot(bounty.id, root);
        if (found.isEmpty()) {
            Log.warnf("BatchPosted of bounty %d with root %s in tx %s: not a batch of this server (%d indexes reserved)",
                    bounty.id, root, event.txHash, e.leafCount);
            bounty.submissionCount = Math.max(bounty.submissionCount, e.firstIndex.add(e.leafCount).intValueExact());
            return;
        }
        RelayBatch batch = found.get();
        batch.firstIndex = e.firstIndex.intValueExact();
        batch.postedAt = Instant.ofEpochSecond(e.postedAt.longValueExact());
        batch.postedTx = event.txHash;
        Instant now = Instant.now();
        for (Submission s : batch.leaves()) {
            s.chainIndex = batch.firstIndex + s.relayLeaf;
            s.committedTx = event.txHash;
            s.committedAt = now;
        }
        bounty.submissionCount = Math.max(bounty.submissionCount, batch.firstIndex + batch.leafCount);
    }

    // ------------------------------------------------------------------------------------------------

    private Submission relayable(long submissionId, String caller) {
        Submission submission = Submission.findById(submissionId);
        if (submission == null) {
            throw new BountyException(Code.SUBMISSION_NOT_FOUND, "There is no submission " + submissionId);
        }
        if (!submission.contributor.equalsIgnoreCase(caller)) {
            throw new BountyException(Code.FORBIDDEN, "Only its contributor " + submission.contributor
                    + " can sign this model (the commitment names them as the one to be paid)");
        }
        if (submission.chainIndex != null) {
            throw new BountyException(Code.NOT_NOW, "This model is already committed as submission #"
                    + submission.chainIndex);
        }
        if (submission.validationErrorCode != null
                && ErrorCode.valueOf(submission.validationErrorCode).party() != ErrorCode.Party.PLATFORM) {
            throw new BountyException(Code.NOT_NOW, "This model failed its check on the public sample, so it cannot"
                    + " score: " + submission.validationError);
        }
        if (registry.relayer().isEmpty()) {
            throw new BountyException(Code.NOT_NOW, "This market's relayer is not this server's keeper: send the"
                    + " submission yourself");
        }
        return submission;
    }

    private static long directCount(long bountyId, String contributor) {
        return Submission.count("bountyId = ?1 and contributor = ?2 and chainIndex is not null and relaySignature is null",
                bountyId, contributor);
    }

    /** The lowest sequence number the contributor has not signed for this bounty. */
    private static int nextSequence(Bounty bounty, String contributor) {
        List<Integer> used = Submission.<Submission>list("bountyId = ?1 and contributor = ?2 and relaySequence is not null",
                bounty.id, contributor).stream().map(s -> s.relaySequence).toList();
        int next = 0;
        while (used.contains(next)) {
            next++;
        }
        return next;
    }

    private RelayedSubmission payload(Bounty bounty, Submission s, int sequence, long deadline) {
        ContractDeployment market = registry.current();
        return new RelayedSubmission(market.chainId, market.address, bounty.onchainId,
                Numeric.hexStringToByteArray(s.commitment), s.contributor.toLowerCase(Locale.ROOT), sequence, deadline);
    }

    private List<byte[]> digests(Bounty bounty, List<Submission> leaves) {
        return leaves.stream().map(s -> payload(bounty, s, s.relaySequence, s.relayDeadline.getEpochSecond()).digest())
                .toList();
    }
}
