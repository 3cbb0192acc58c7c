package dev.bountymarket.submission;

import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.Downloads;
import dev.bountymarket.storage.StoredObject;

/**
 * Following and committing models; their reports and, once published, the model files. Models are uploaded with
 * {@code POST /api/bounties/{id}/submissions}.
 */
@Path("/api/submissions")
@Produces(MediaType.APPLICATION_JSON)
public class SubmissionResource {

    @Inject
    SubmissionService submissions;

    @Inject
    CurrentUser currentUser;

    @Inject
    ContentStore store;

    @Inject
    RelayService relay;

    /** A signed submission for the relayer: the sequence number and deadline of the typed data, and the signature. */
    public record SignedRelay(Integer sequence, Long deadline, String signature) {
    }

    @GET
    @Path("/{id}")
    public SubmissionView get(@PathParam("id") long id) {
        return submissions.view(id, currentUser.address());
    }

    /** The transaction that commits the model on-chain, for its contributor's wallet. */
    @POST
    @Path("/{id}/transactions/submit")
    public WalletTransaction submit(@PathParam("id") long id) {
        return submissions.submitTransaction(id, currentUser.require());
    }

    /** The EIP-712 typed data the contributor's wallet signs so the relayer posts the model for them (no gas). */
    @GET
    @Path("/{id}/relay")
    public RelayView.SigningRequest relaySigningRequest(@PathParam("id") long id) {
        return relay.signingRequest(id, currentUser.require());
    }

    /** Hands the signed submission to the relayer; it is posted in the next batch. */
    @POST
    @Path("/{id}/relay")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    public RelayView.Status relay(@PathParam("id") long id, SignedRelay signed) {
        String caller = currentUser.requireForChange();
        if (signed == null || signed.sequence() == null || signed.deadline() == null || signed.signature() == null) {
            throw new dev.bountymarket.bounty.BountyException(dev.bountymarket.bounty.BountyException.Code.INVALID_REQUEST,
                    "Send {\"sequence\", \"deadline\", \"signature\"}: the sequence number and deadline of the typed"
                            + " data from GET /api/submissions/" + id + "/relay, and your wallet's signature of it");
        }
        return relay.accept(id, caller, signed.sequence(), signed.deadline(), signed.signature());
    }

    /** Where a relayed submission is: waiting, posting, posted; and whether the relayer left it out. */
    @GET
    @Path("/{id}/relay/status")
    public RelayView.Status relayStatus(@PathParam("id") long id) {
        return relay.status(id);
    }

    /** The inclusion proof of a posted relayed submission: anyone can check it with the market's verifyRelayed. */
    @GET
    @Path("/{id}/proof")
    public RelayView.Proof proof(@PathParam("id") long id) {
        return relay.proof(id, currentUser.address());
    }

    /** Deletes an upload that was never committed from its contributor's lists (204). */
    @DELETE
    @Path("/{id}")
    public void delete(@PathParam("id") long id) {
        submissions.delete(id, currentUser.requireForChange());
    }

    /** The canonical evaluation report (kind public: on the public sample; private: on the hidden test set). */
    @GET
    @Path("/{id}/report")
    public Response report(@PathParam("id") long id, @QueryParam("kind") String kind) {
        return Response.ok(submissions.report(id, kind, currentUser.address()), MediaType.APPLICATION_JSON).build();
    }

    /** The model file: for its contributor, and for anyone once it won a paid-out bounty. */
    @GET
    @Path("/{id}/model")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response model(@PathParam("id") long id, @HeaderParam("Range") String range) {
        StoredObject model = submissions.model(id, currentUser.address());
        return Downloads.attachment(store, model, "model-" + model.sha256() + ".onnx", range);
    }
}
