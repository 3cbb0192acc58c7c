package dev.bountymarket.web;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.web3j.utils.Numeric;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.keeper.ResultsDocument;
import dev.bountymarket.submission.RelayService;
import dev.bountymarket.submission.Submission;

/**
 * The arbiter's transactions, prepared for their wallet like the other bounty transactions: uphold the disputed
 * results, or overturn them with a corrected results document (what {@code bountymarket audit} writes when a re-run
 * differs). Only the bounty's arbiter, while the dispute is open.
 */
@Path("/api/bounties/{id}/transactions")
@Produces(MediaType.APPLICATION_JSON)
public class ArbitrationResource {

    private static final JsonMapper MAPPER = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    @Inject
    CurrentUser currentUser;

    @Inject
    Transactions transactions;

    @Inject
    RelayService relay;

    @Inject
    ChainClock clock;

    /** upholdResults: the proposed results stand. */
    @POST
    @Path("/uphold")
    public WalletTransaction uphold(@PathParam("id") long id) {
        return transactions.upholdResults(disputedForArbiter(id).onchainId);
    }

    /**
     * overturnResults with the corrected results document in the body: its canonical form's keccak256 becomes the
     * reportHash, and the document is kept so that it is served as the results once the overturn is on-chain. A ranking
     * with relayed entries goes with their relay proofs ({@code overturnResultsWithProofs}).
     */
    @POST
    @Path("/overturn")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public WalletTransaction overturn(@PathParam("id") long id, String body) {
        // it stores the document: a page of another site must not make the arbiter's browser send one
        currentUser.requireForChange();
        Bounty bounty = disputedForArbiter(id);
        JsonNode document;
        try {
            document = body == null || body.isBlank() ? null : MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BountyException(Code.INVALID_REQUEST, "The corrected results are not JSON: "
                    + e.getOriginalMessage());
        }
        if (document == null || !document.isObject() || !document.path("entries").isArray()) {
            throw new BountyException(Code.INVALID_REQUEST, "Send the corrected results document (the JSON that"
                    + " `bountymarket audit` writes, with an entries array) as the request body");
        }
        if (!document.path("bountyId").asText().equals(bounty.onchainId.toString())
                || !document.path("contract").asText().equalsIgnoreCase(bounty.contract)) {
            throw new BountyException(Code.INVALID_REQUEST, "These results are for bounty " + document.path("bountyId")
                    .asText() + " on " + document.path("contract").asText() + ", not bounty " + bounty.onchainId + " on "
                    + bounty.contract);
        }
        String canonical = CanonicalJson.string(document);
        ResultsDocument.Proposal proposal;
        try {
            proposal = ResultsDocument.proposal(canonical);
        } catch (RuntimeException e) {
            throw new BountyException(Code.INVALID_REQUEST, "An entry of the corrected results is malformed: "
                    + e.getMessage());
        }
        Set<Integer> seen = new HashSet<>();
        for (BountyMarket.ResultEntry entry : proposal.entries()) {
            int index = entry.submissionIndex.intValue();
            if (index < 0 || index >= bounty.submissionCount || !seen.add(index)
                    || Submission.findByIndex(bounty.id, index).isEmpty()) {
                throw new BountyException(Code.INVALID_REQUEST, "The corrected results rank submission " + index
                        + ", which bounty " + id + " does not hold once (it has " + bounty.submissionCount + ")");
            }
        }
        bounty.overturnResultsJson = canonical;
        List<BountyMarket.RelayProof> proofs = relay.proofsFor(bounty.id, proposal.entries());
        return transactions.overturnResults(bounty.onchainId, proposal.entries(), proofs, proposal.reportHash(),
                Numeric.toHexString(proposal.reportHash()));
    }

    private Bounty disputedForArbiter(long id) {
        String caller = currentUser.require();
        Bounty bounty = Bounty.findById(id);
        if (bounty == null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        if (!caller.equalsIgnoreCase(bounty.arbiter)) {
            throw new BountyException(Code.FORBIDDEN, "Only the arbiter " + bounty.arbiter + " can rule on bounty " + id);
        }
        if (bounty.status != BountyStatus.DISPUTED) {
            throw new BountyException(Code.NOT_NOW, "Only disputed results can be ruled on; this bounty is "
                    + bounty.effectiveStatus(clock.now()).name().toLowerCase(Locale.ROOT));
        }
        Instant arbitrationDeadline = bounty.challengeDeadline.plus(ArbiterResource.ARBITRATION_PERIOD);
        if (!clock.now().isBefore(arbitrationDeadline)) {
            throw new BountyException(Code.NOT_NOW, "Arbitration closed at " + arbitrationDeadline
                    + ": anyone may now finalize with the proposed results");
        }
        return bounty;
    }
}
