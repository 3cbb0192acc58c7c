package dev.bountymarket.submission;

import java.time.Instant;
import java.util.List;

/** What the relayer tells a contributor about a relayed submission. */
public final class RelayView {

    private RelayView() {
    }

    /**
     * What the wallet signs ({@code eth_signTypedData_v4}): the typed data, and its sequence number and deadline to
     * send back with the signature.
     */
    public record SigningRequest(long submissionId, String typedData, int sequence, long deadline) {
    }

    /** A signed submission's place: waiting for a batch, or in one (with its proof once posted). */
    public record Status(long submissionId, String state, Integer sequence, Long deadline, Long expectedBy,
            boolean leftOut, Integer submissionIndex) {

        /** When the relayer was due to have it in a batch, for the pages. */
        public Instant expectedAt() {
            return expectedBy == null ? null : Instant.ofEpochSecond(expectedBy);
        }

        /** When the signature lapses (the relayer can post it no more), for the pages. */
        public Instant deadlineAt() {
            return deadline == null ? null : Instant.ofEpochSecond(deadline);
        }
    }

    /**
     * Everything {@code verifyRelayed} and {@code proposeResultsWithProofs} take for this submission: the ranked
     * entry's index, contributor and model hash, and the {@code RelayProof} fields.
     */
    public record Proof(long submissionId, String bountyId, int submissionIndex, String contributor, String modelSha256,
            String commitment, int batchFirstIndex, int batchLeafCount, long batchPostedAt, String root, int leafIndex,
            int sequence, long deadline, String signature, String digest, List<String> proof, String postedTx) {
    }
}
