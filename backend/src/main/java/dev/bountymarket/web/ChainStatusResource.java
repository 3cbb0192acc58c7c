package dev.bountymarket.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.IndexerCursor;

/** What the browser's transaction progress needs from the server: how far the indexer got, and revert reasons. */
@Path("/api/chain")
@Produces(MediaType.APPLICATION_JSON)
public class ChainStatusResource {

    @Inject
    ContractRegistry registry;

    @Inject
    RevertReasons reasons;

    /** @param indexedBlock the last block whose events the pages show (-1 before the first) */
    public record Indexed(long indexedBlock) {
    }

    public record RevertData(String data) {
    }

    public record Reason(String reason) {
    }

    @GET
    @Path("/indexed")
    public Indexed indexed() {
        IndexerCursor cursor = registry.resolved().map(c -> IndexerCursor.<IndexerCursor>findById(c.address)).orElse(null);
        return new Indexed(cursor == null ? -1 : cursor.nextBlock - 1);
    }

    /** The contract's error behind revert data, in words; 404 when the data is not an error the contract declares. */
    @POST
    @Path("/revert-reason")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response revertReason(RevertData revert) {
        return reasons.explain(revert == null ? null : revert.data())
                .map(reason -> Response.ok(new Reason(reason)).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(new ApiError("UNKNOWN_ERROR", "not revert data of an error this contract declares"))
                        .build());
    }
}
