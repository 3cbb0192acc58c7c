package dev.bountymarket.web;

import java.time.Instant;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;

/** The arbiter's transaction, prepared for their wallet like the other bounty transactions. */
@Path("/api/bounties/{id}/transactions/uphold")
@Produces(MediaType.APPLICATION_JSON)
public class ArbitrationResource {

    @Inject
    CurrentUser currentUser;

    @Inject
    Transactions transactions;

    @Inject
    ChainClock clock;

    /** upholdResults: the proposed results stand. Only the bounty's arbiter, while the dispute is open. */
    @POST
    public WalletTransaction uphold(@PathParam("id") long id) {
        String caller = currentUser.require();
        Bounty bounty = Bounty.findById(id);
        if (bounty == null) {
            throw new BountyException(Code.BOUNTY_NOT_FOUND, "There is no bounty " + id);
        }
        if (!caller.equalsIgnoreCase(bounty.arbiter)) {
            throw new BountyException(Code.FORBIDDEN, "Only the arbiter " + bounty.arbiter + " can rule on bounty " + id);
        }
        if (bounty.status != BountyStatus.DISPUTED) {
            throw new BountyException(Code.NOT_NOW, "Only disputed results can be upheld; this bounty is "
                    + bounty.effectiveStatus(clock.now()).name().toLowerCase(Locale.ROOT));
        }
        Instant arbitrationDeadline = bounty.challengeDeadline.plus(ArbiterResource.ARBITRATION_PERIOD);
        if (!clock.now().isBefore(arbitrationDeadline)) {
            throw new BountyException(Code.NOT_NOW, "Arbitration closed at " + arbitrationDeadline
                    + ": anyone may now finalize with the proposed results");
        }
        return transactions.upholdResults(bounty.onchainId);
    }
}
