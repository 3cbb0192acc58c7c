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
import dev.bountymarket.keeper.Keeper;

/**
 * What the browser's transaction progress needs from the server (how far the indexer got, revert reasons), the market
 * contract the command line pins at login, and the keeper's state for whoever runs the site.
 */
@Path("/api/chain")
@Produces(MediaType.APPLICATION_JSON)
public class ChainStatusResource {

    @Inject
    ContractRegistry registry;

    @Inject
    RevertReasons reasons;

    @Inject
    Keeper keeper;

    /** @param indexedBlock the last block whose events the pages show (-1 before the first) */
    public record Indexed(long indexedBlock) {
    }

    /** @param market the BountyMarket contract every transaction this server prepares calls */
    public record Market(long chainId, String market) {
    }

    public record RevertData(String data) {
    }

    public record Reason(String reason) {
    }

    /** The chain and contract this server runs on; 503 with the reason while the contract cannot be found. */
    @GET
    public Response market() {
        try {
            var contract = registry.current();
            return Response.ok(new Market(contract.chainId, contract.address)).build();
        } catch (ContractRegistry.ContractUnavailable e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(new ApiError("CHAIN_UNAVAILABLE", e.getMessage())).build();
        }
    }

    @GET
    @Path("/indexed")
    public Indexed indexed() {
        IndexerCursor cursor = registry.resolved().map(c -> IndexerCursor.<IndexerCursor>findById(c.address)).orElse(null);
        return new Indexed(cursor == null ? -1 : cursor.nextBlock - 1);
    }

    /**
     * The keeper's account, balance (wei, as a string) and steps in flight; {@code state} is "paused" while a step
     * waits for funds, with the reason and how much the account needs ({@code needsWei}), "running" or "off".
     */
    @GET
    @Path("/keeper")
    public Keeper.State keeper() {
        return keeper.state();
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
