package dev.bountymarket.bounty;

import java.math.BigInteger;
import java.net.URI;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.Downloads;
import dev.bountymarket.storage.Upload;
import dev.bountymarket.submission.LeaderboardEntry;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.submission.SubmissionView;
import dev.bountymarket.web.Page;

/** Bounties under /api/bounties: browse, detail, leaderboards, and the transactions their users send. */
@Path("/api/bounties")
@Produces(MediaType.APPLICATION_JSON)
public class BountyResource {

    @Inject
    BountyService bounties;

    @Inject
    CurrentUser currentUser;

    @Inject
    ContentStore store;

    @Inject
    DraftService drafts;

    @Inject
    SubmissionService submissions;

    public record Amount(String amount) {
    }

    @GET
    public Page<BountyView> list(@QueryParam("status") String status, @QueryParam("task") String task,
            @QueryParam("token") String token, @QueryParam("q") String search,
            @QueryParam("sort") @DefaultValue("newest") String sort, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") Integer size) {
        return bounties.list(new BountyService.Query(status, task, token, search, sort, Math.max(0, page),
                Page.size(size, 20)));
    }

    @GET
    @Path("/{id}")
    public BountyView get(@PathParam("id") long id) {
        return bounties.get(id, currentUser.address());
    }

    @GET
    @Path("/{id}/leaderboard")
    public Page<LeaderboardEntry> leaderboard(@PathParam("id") long id,
            @QueryParam("board") @DefaultValue("public") String board, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") Integer size) {
        return bounties.leaderboard(id, board, Math.max(0, page), Page.size(size, 50), currentUser.address());
    }

    /** The spec in canonical form (its keccak256 is the specHash on-chain), for the evaluator's verify command. */
    @GET
    @Path("/{id}/spec")
    public Response spec(@PathParam("id") long id) {
        return Response.ok(bounties.spec(id, currentUser.address()), MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("/{id}/public-sample")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response publicSample(@PathParam("id") long id, @HeaderParam("Range") String range) {
        return Downloads.attachment(store, bounties.publicSample(id, currentUser.address()), "public-sample-" + id, range);
    }

    /**
     * The hidden test set: 403 for everyone until the reveal transaction, but for the bounty's arbiter while it is
     * disputed (each such download recorded and shown on the bounty's timeline); once revealed anyone may re-run the
     * evaluation.
     */
    @GET
    @Path("/{id}/test-set")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response testSet(@PathParam("id") long id, @HeaderParam("Range") String range) {
        return Downloads.attachment(store, bounties.revealedTestSet(id, currentUser.address()), "test-set-" + id,
                range);
    }

    /** The salt of the test-set commitment ({@code salt}, 0x hex), under the test set's own rule. */
    @GET
    @Path("/{id}/test-set/salt")
    public TestSetSalt testSetSalt(@PathParam("id") long id) {
        return new TestSetSalt(bounties.testSetSalt(id, currentUser.address()));
    }

    public record TestSetSalt(String salt) {
    }

    /** The proposed results document (its keccak256 is the reportHash on-chain). */
    @GET
    @Path("/{id}/results")
    public Response results(@PathParam("id") long id) {
        return Response.ok(bounties.results(id, currentUser.address()), MediaType.APPLICATION_JSON).build();
    }

    /** The sponsor's createBounty transaction for a draft, with the reward in wei (ETH) or token units. */
    @POST
    @Path("/{id}/transactions/create")
    @Consumes(MediaType.APPLICATION_JSON)
    public WalletTransaction create(@PathParam("id") long id, DraftService.Terms terms) {
        return drafts.createTransaction(id, currentUser.require(), terms);
    }

    /**
     * Uploads a model (multipart file {@code model}, optionally its {@code sha256}) for an open bounty: an ONNX file
     * with its weights inside, or a model bundle (a zip of one .onnx and its external-data files). The answer (201)
     * carries the check on the public sample: the public score, or the exact reason the model cannot run. When the
     * server's evaluation slots are all busy the answer is 202 with {@code check} queued and its place in line;
     * follow {@code GET /api/submissions/{id}} until {@code validation} is there.
     */
    @POST
    @Path("/{id}/submissions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@PathParam("id") long bountyId, @RestForm FileUpload model, @RestForm String sha256) {
        String contributor = currentUser.requireForChange();
        Submission submission = submissions.upload(bountyId, contributor, Upload.of(model), sha256);
        SubmissionView view = submissions.view(submission.id, Optional.of(contributor));
        return (view.check() == null ? Response.created(URI.create("/api/submissions/" + submission.id))
                : Response.accepted().location(URI.create("/api/submissions/" + submission.id))).entity(view).build();
    }

    @POST
    @Path("/{id}/transactions/top-up")
    @Consumes(MediaType.APPLICATION_JSON)
    public WalletTransaction topUp(@PathParam("id") long id, Amount amount) {
        return bounties.topUp(id, parseAmount(amount), currentUser.address().orElse(null));
    }

    @POST
    @Path("/{id}/transactions/cancel")
    public WalletTransaction cancel(@PathParam("id") long id) {
        return bounties.cancel(id, currentUser.require());
    }

    @POST
    @Path("/{id}/transactions/challenge")
    public WalletTransaction challenge(@PathParam("id") long id) {
        return bounties.challenge(id, currentUser.address().orElse(null));
    }

    /** A challenger of overturned results takes back its bond and fee part (the signed-in wallet's, by default). */
    @POST
    @Path("/{id}/transactions/claim-challenge")
    public WalletTransaction claimChallenge(@PathParam("id") long id, @QueryParam("challenger") String challenger) {
        return bounties.claimChallenge(id, challenger != null ? challenger : currentUser.require());
    }

    @POST
    @Path("/{id}/transactions/finalize")
    public WalletTransaction finalizeBounty(@PathParam("id") long id) {
        return bounties.finalizeBounty(id);
    }

    @POST
    @Path("/{id}/transactions/expire")
    public WalletTransaction expire(@PathParam("id") long id) {
        return bounties.expire(id);
    }

    private static BigInteger parseAmount(Amount amount) {
        try {
            return amount == null || amount.amount() == null ? null : new BigInteger(amount.amount().strip());
        } catch (NumberFormatException e) {
            throw new BountyException(BountyException.Code.INVALID_REQUEST,
                    "amount must be a whole number of wei or token units, as a string, not '" + amount.amount() + "'");
        }
    }
}
