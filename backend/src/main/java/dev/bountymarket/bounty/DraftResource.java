package dev.bountymarket.bounty;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.storage.Upload;

/**
 * Drafting a bounty: upload its spec and test sets; then {@code POST /api/bounties/{id}/transactions/create} gives the
 * transaction that creates and funds it.
 */
@Path("/api/drafts")
@Produces(MediaType.APPLICATION_JSON)
public class DraftResource {

    @Inject
    DraftService drafts;

    @Inject
    CurrentUser currentUser;

    /** The draft as stored: what the createBounty transaction will commit to. */
    public record DraftView(long id, String title, String status, String specHash, String testSetCommitment,
            String publicSampleSha256, long publicSampleSize, long testSetSize) {
        public static DraftView of(Bounty b) {
            return new DraftView(b.id, b.title, "draft", b.specHash, b.testSetCommitment, b.publicSampleSha256,
                    b.publicSampleSize, b.testSetSize);
        }
    }

    /** Deletes the caller's draft from their lists (204); a bounty on the chain cannot be deleted. */
    @DELETE
    @Path("/{id}")
    public void delete(@PathParam("id") long id) {
        drafts.delete(id, currentUser.requireForChange());
    }

    /** The caller's draft, to resume it. */
    @GET
    @Path("/{id}")
    public DraftView get(@PathParam("id") long id) {
        return DraftView.of(drafts.draft(id, currentUser.require()));
    }

    /**
     * Drafts a bounty from a multipart form: {@code title}, {@code description}, {@code spec} (JSON), the files
     * {@code publicSample} and {@code testSet}, and optionally their SHA-256 ({@code publicSampleSha256},
     * {@code testSetSha256}) to detect a damaged upload. The test set is stored encrypted and never served until it is
     * revealed on-chain.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response create(@RestForm String title, @RestForm String description, @RestForm String spec,
            @RestForm FileUpload publicSample, @RestForm FileUpload testSet, @RestForm String publicSampleSha256,
            @RestForm String testSetSha256) {
        String sponsor = currentUser.requireForChange();
        Bounty bounty = drafts.create(sponsor, new DraftService.Draft(title, description, spec, Upload.of(publicSample), Upload.of(testSet),
                publicSampleSha256, testSetSha256));
        return Response.created(URI.create("/api/bounties/" + bounty.id)).entity(DraftView.of(bounty)).build();
    }
}
