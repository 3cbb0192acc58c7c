package dev.bountymarket.bounty;

import java.math.BigInteger;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.submission.LeaderboardEntry;
import dev.bountymarket.web.Page;

/** Bounties under /api/bounties: browse, detail, leaderboards, and the transactions their users send. */
@Path("/api/bounties")
@Produces(MediaType.APPLICATION_JSON)
public class BountyResource {

    @Inject
    BountyService bounties;

    @Inject
    CurrentUser currentUser;

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
        return bounties.get(id);
    }

    @GET
    @Path("/{id}/leaderboard")
    public Page<LeaderboardEntry> leaderboard(@PathParam("id") long id,
            @QueryParam("board") @DefaultValue("public") String board, @QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") Integer size) {
        return bounties.leaderboard(id, board, Math.max(0, page), Page.size(size, 50));
    }

    @POST
    @Path("/{id}/transactions/top-up")
    @Consumes(MediaType.APPLICATION_JSON)
    public WalletTransaction topUp(@PathParam("id") long id, Amount amount) {
        return bounties.topUp(id, parseAmount(amount));
    }

    @POST
    @Path("/{id}/transactions/cancel")
    public WalletTransaction cancel(@PathParam("id") long id) {
        return bounties.cancel(id, currentUser.require());
    }

    @POST
    @Path("/{id}/transactions/challenge")
    public WalletTransaction challenge(@PathParam("id") long id) {
        return bounties.challenge(id);
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
