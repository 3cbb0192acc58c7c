package dev.bountymarket.account;

import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.submission.SubmissionView;

/** The signed-in account: its bounties, its submissions, what it earned and what it can withdraw. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private static final String ETH = "0x0000000000000000000000000000000000000000";

    @Inject
    CurrentUser currentUser;

    @Inject
    SubmissionService submissions;

    @Inject
    Transactions transactions;

    @Inject
    ChainClock clock;

    /** A bounty the account sponsors (drafts included). */
    public record MyBounty(long id, String title, String status, String reward, String token, int submissionCount) {
    }

    /** One payment out of a bounty's escrow to the account. */
    public record Earning(long bountyId, String bountyTitle, String kind, String token, String amount, boolean credited,
            String tx) {
    }

    /** An amount the contract holds for the account: a payment whose push failed, withdrawable at any time. */
    public record Credit(String token, String amount) {
    }

    public record Earnings(List<Earning> payouts, List<Credit> credits) {
    }

    public record Withdrawal(String token) {
    }

    @GET
    @Path("/bounties")
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<MyBounty> bounties() {
        String me = currentUser.require();
        var now = clock.now();
        return Bounty.<Bounty>list("sponsor = ?1 order by id desc", me).stream()
                .map(b -> new MyBounty(b.id, b.title, b.effectiveStatus(now).name(),
                        b.reward == null ? null : b.reward.toString(), b.token, b.submissionCount))
                .toList();
    }

    @GET
    @Path("/submissions")
    public List<SubmissionView> submissions() {
        return submissions.ofContributor(currentUser.require());
    }

    @GET
    @Path("/earnings")
    @Transactional(Transactional.TxType.SUPPORTS)
    public Earnings earnings() {
        String me = currentUser.require();
        List<Payout> payouts = Payout.list("recipient = ?1 order by id", me);
        List<Earning> earnings = payouts.stream().map(p -> {
            Bounty bounty = Bounty.findById(p.bountyId);
            return new Earning(p.bountyId, bounty.title, p.kind, p.token, p.amount.toString(), p.credited, p.txHash);
        }).toList();
        Set<String> tokens = new LinkedHashSet<>();
        tokens.add(ETH);
        payouts.stream().filter(p -> p.credited).forEach(p -> tokens.add(p.token.toLowerCase()));
        List<Credit> credits = tokens.stream()
                .map(token -> new Held(token, transactions.creditOf(me, token)))
                .filter(held -> held.amount().signum() > 0)
                .map(held -> new Credit(held.token(), held.amount().toString())).toList();
        return new Earnings(earnings, credits);
    }

    /** The transaction that pays out the account's credit in {@code token} (ETH by default). */
    @POST
    @Path("/transactions/withdraw")
    @Consumes(MediaType.APPLICATION_JSON)
    public WalletTransaction withdraw(Withdrawal withdrawal) {
        String me = currentUser.require();
        String token = withdrawal == null || withdrawal.token() == null || withdrawal.token().equalsIgnoreCase("ETH")
                ? ETH : withdrawal.token().strip().toLowerCase();
        if (transactions.creditOf(me, token).signum() == 0) {
            throw new BountyException(BountyException.Code.NOT_NOW, "You have no credit in "
                    + (token.equals(ETH) ? "ETH" : token) + " to withdraw");
        }
        return transactions.withdraw(token);
    }

    private record Held(String token, BigInteger amount) {
    }
}
