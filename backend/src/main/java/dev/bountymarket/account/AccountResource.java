package dev.bountymarket.account;

import java.util.List;

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
import dev.bountymarket.chain.Addresses;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.submission.SubmissionView;

/** The signed-in account: its bounties, its submissions, what it earned and what it can withdraw. */
@Path("/api/me")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    CurrentUser currentUser;

    @Inject
    SubmissionService submissions;

    @Inject
    Transactions transactions;

    @Inject
    AccountService accounts;

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

    /** A withdrawal of credit the account made. */
    public record Withdrawn(String token, String recipient, String amount, String tx) {
    }

    public record Earnings(List<Earning> payouts, List<Credit> credits, List<Withdrawn> withdrawals) {
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
        AccountService.Earnings earnings = accounts.earnings(currentUser.require());
        return new Earnings(
                earnings.payouts().stream().map(p -> new Earning(p.bountyId, Bounty.<Bounty>findById(p.bountyId).title,
                        p.kind, p.token, p.amount.toString(), p.credited, p.txHash)).toList(),
                earnings.credits().stream().map(c -> new Credit(c.token(), c.amount().toString())).toList(),
                earnings.withdrawals().stream().map(w -> new Withdrawn(w.token(), w.recipient(), w.amount().toString(),
                        w.txHash())).toList());
    }

    /** The transaction that pays out the account's credit in {@code token} (ETH by default). */
    @POST
    @Path("/transactions/withdraw")
    @Consumes(MediaType.APPLICATION_JSON)
    public WalletTransaction withdraw(Withdrawal withdrawal) {
        String me = currentUser.require();
        String token = withdrawal == null || withdrawal.token() == null || withdrawal.token().equalsIgnoreCase("ETH")
                ? Amounts.ETH : Addresses.parse(withdrawal.token()).orElseThrow(() -> new BountyException(
                        BountyException.Code.INVALID_REQUEST,
                        "token must be ETH or a token contract's address (0x and 40 hex digits)"));
        if (transactions.creditOf(me, token).signum() == 0) {
            throw new BountyException(BountyException.Code.NOT_NOW, "You have no credit in "
                    + (token.equals(Amounts.ETH) ? "ETH" : token) + " to withdraw");
        }
        return transactions.withdraw(token);
    }
}
