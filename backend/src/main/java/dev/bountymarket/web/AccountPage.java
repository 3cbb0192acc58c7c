package dev.bountymarket.web;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.account.AccountService;
import dev.bountymarket.account.AccountService.Earnings;
import dev.bountymarket.auth.ApiToken;
import dev.bountymarket.auth.AuthService;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.submission.Submission;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The viewer's own page: their bounties, submissions, earnings (with withdrawable credits) and API tokens. */
@Path("/account")
public class AccountPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance account(Site site, String show, List<Bounty> bounties,
                List<Submission> submissions, Set<Long> paidOut, Earnings earnings, List<ApiToken> tokens);
    }

    @Inject
    SiteContext site;

    @Inject
    AuthService auth;

    @Inject
    AccountService accounts;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance account(@QueryParam("show") @DefaultValue("all") String show) {
        // "unfinished": only drafts not yet on the chain and uploads never committed, to resume or delete them
        boolean unfinished = "unfinished".equals(show);
        String viewer = site.viewer();
        if (viewer == null) {
            return Templates.account(site.get(), unfinished ? "unfinished" : "all", List.of(), List.of(), Set.of(),
                    new Earnings(List.of(), List.of(), List.of()), List.of());
        }
        Earnings earnings = accounts.earnings(viewer);
        // A submission's paid flag says its rank gets paid; it is paid out once the bounty pays the viewer a prize
        // (the contract pays a contributor at most once per bounty).
        Set<Long> paidOut = earnings.payouts().stream().filter(p -> p.kind.equals("Prize")).map(p -> p.bountyId)
                .collect(Collectors.toSet());
        List<Bounty> bounties = unfinished
                ? Bounty.list("sponsor = ?1 and deletedAt is null and status = ?2 order by id desc", viewer,
                        BountyStatus.DRAFT)
                : Bounty.list("sponsor = ?1 and deletedAt is null order by id desc", viewer);
        List<Submission> submissions = Submission.list("contributor = ?1 and deletedAt is null"
                + (unfinished ? " and chainIndex is null" : "") + " order by id desc", viewer);
        return Templates.account(site.get(), unfinished ? "unfinished" : "all", bounties, submissions, paidOut,
                earnings, auth.tokens(viewer));
    }
}
