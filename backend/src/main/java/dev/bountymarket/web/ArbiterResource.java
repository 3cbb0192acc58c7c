package dev.bountymarket.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ResultEvents;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The arbiter's desk: challenged results of the viewer's bounties, and the transaction that upholds them. */
@Path("/arbiter")
public class ArbiterResource {

    /** How long after the challenge deadline the arbiter may rule (the contract's ARBITRATION_PERIOD). */
    static final Duration ARBITRATION_PERIOD = Duration.ofDays(30);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance arbiter(Site site, List<Challenge> challenges);
    }

    /** {@code challenges}: every challenge of the bounty, settled together by one ruling. */
    public record Challenge(Bounty bounty, Instant arbitrationDeadline, List<ResultEvents.Challenge> challenges) {
    }

    @Inject
    SiteContext site;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance arbiter() {
        String viewer = site.viewer();
        List<Challenge> challenges = viewer == null ? List.of()
                : Bounty.<Bounty>list("arbiter = ?1 and status = ?2 order by challengeDeadline", viewer, BountyStatus.DISPUTED)
                        .stream().map(b -> new Challenge(b, b.challengeDeadline.plus(ARBITRATION_PERIOD),
                                ResultEvents.challenges(b.contract, b.onchainId))).toList();
        return Templates.arbiter(site.get(), challenges);
    }
}
