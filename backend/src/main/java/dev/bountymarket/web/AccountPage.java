package dev.bountymarket.web;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.account.AccountService;
import dev.bountymarket.account.AccountService.Earnings;
import dev.bountymarket.auth.ApiToken;
import dev.bountymarket.auth.AuthService;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.submission.Submission;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The viewer's own page: their bounties, submissions, earnings (with withdrawable credits) and API tokens. */
@Path("/account")
public class AccountPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance account(Site site, List<Bounty> bounties, List<Submission> submissions,
                Earnings earnings, List<ApiToken> tokens);
    }

    @Inject
    SiteContext site;

    @Inject
    AuthService auth;

    @Inject
    AccountService accounts;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance account() {
        String viewer = site.viewer();
        if (viewer == null) {
            return Templates.account(site.get(), List.of(), List.of(), new Earnings(List.of(), List.of(), List.of()),
                    List.of());
        }
        return Templates.account(site.get(), Bounty.list("sponsor = ?1 order by id desc", viewer),
                Submission.list("contributor = ?1 order by id desc", viewer), accounts.earnings(viewer),
                auth.tokens(viewer));
    }
}
