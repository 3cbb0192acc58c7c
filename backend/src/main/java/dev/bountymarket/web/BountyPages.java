package dev.bountymarket.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.bounty.ArbiterRelease;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyData;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyService;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.bounty.BountyView;
import dev.bountymarket.bounty.DraftService;
import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.Addresses;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.evaluator.spec.LiveBoardSpec;
import dev.bountymarket.submission.LeaderboardEntry;
import dev.bountymarket.submission.RelayService;
import dev.bountymarket.submission.SubmissionService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** A bounty's page: its terms, timeline with transactions, leaderboards and the actions the viewer can take now. */
@Path("/bounties")
@Produces(MediaType.TEXT_HTML)
public class BountyPages {

    static final int BOARD_SIZE = 50;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance detail(Site site, BountyView bounty, Bounty entity, List<Step> timeline,
                List<ChainEvent> events, Boards boards, Actions actions, List<Payout> payouts, Data data);

        static native TemplateInstance detail$leaderboards(Site site, BountyView bounty, Boards boards);

        static native TemplateInstance create(Site site, String exampleSpec, Bounty draft, String defaultArbiter);

        static native TemplateInstance submit(Site site, BountyView bounty, SubmissionService.LiveScorings scorings,
                Data data, boolean relaying);
    }

    /** A tabular binary-classification spec to start from (the format is in evaluator/README.md). */
    static final String EXAMPLE_SPEC = """
            {
              "version": 1,
              "task": "binary_classification",
              "metric": "roc_auc",
              "classes": ["0", "1"],
              "input": {"kind": "tabular", "features": ["f00", "f01", "f02"]},
              "label": {"column": "label"},
              "output": {"kind": "probabilities", "shape": "[N,C]"}
            }""";

    /** One step of the lifecycle; state is done, current, upcoming or skipped. */
    public record Step(String title, String detail, Instant at, String tx, String state) {
    }

    /**
     * The leaderboards: the public (live) one (scores on the hidden test set's live part, live while open) and the
     * private one (the ranking posted with the results, scored on the rest). Model hashes stay hidden until submissions close, so nobody can commit a
     * copy first.
     */
    public record Boards(List<LeaderboardEntry> publicEntries, long publicTotal, List<LeaderboardEntry> privateEntries,
            ScoreChart chart, String chartBoard, boolean live, boolean showModelHashes, Integer liveSharePercent,
            Integer scoringsPerDay) {
    }

    /** A file anyone may download now, with what it is. */
    public record Download(String label, String href, String note) {
    }

    /**
     * The bounty's Data section: the files to download, the public sample's preview, what a model must be, and the
     * metric explained. {@code requirements} and {@code preview} are null when unknown here.
     */
    public record Data(List<Download> downloads, BountyData.Preview preview, BountyData.ModelRequirements requirements,
            BountyData.MetricInfo metric) {
    }

    /** What the viewer may do now; each is a transaction their wallet sends. */
    public record Actions(boolean submit, boolean topUp, boolean cancel, boolean challenge, boolean finalizeNow,
            boolean expire, boolean uphold, boolean withdraw, boolean claimChallenge) {

        public boolean any() {
            return submit || topUp || cancel || challenge || finalizeNow || expire || uphold || withdraw || claimChallenge;
        }
    }

    @Inject
    BountyService bounties;

    @Inject
    SiteContext site;

    @Inject
    Transactions transactions;

    @Inject
    SubmissionService submissions;

    @Inject
    BountyData bountyData;

    @Inject
    DraftService drafts;

    @Inject
    WebConfig webConfig;

    @Inject
    RelayService relayer;

    @GET
    @Path("/new")
    public TemplateInstance create(@QueryParam("draft") Long draftId) {
        Site current = site.get();
        Bounty draft = null;
        if (draftId != null && current.viewer() != null) {
            try {
                draft = drafts.draft(draftId, current.viewer());
            } catch (BountyException e) {
                throw PageException.notFound(e.getMessage() + ".");
            }
        }
        String arbiter = webConfig.defaultArbiter().flatMap(Addresses::parse).orElse(null);
        return Templates.create(current, EXAMPLE_SPEC, draft, arbiter);
    }

    @GET
    @Path("/{id}/submit")
    public TemplateInstance submit(@PathParam("id") long id) {
        BountyView bounty = view(id);
        // the viewer's live-board scorings left today, a term of the bounty (null when signed out)
        SubmissionService.LiveScorings scorings = Optional.ofNullable(site.viewer()).flatMap(viewer -> Bounty
                .<Bounty>findByIdOptional(id).flatMap(entity -> entity.liveBoard()
                        .map(terms -> submissions.liveScorings(entity, viewer, terms)))).orElse(null);
        return Templates.submit(site.get(), bounty, scorings, data(bounty, Bounty.findById(id), List.of()), relayer.available());
    }

    @GET
    @Path("/{id}")
    public TemplateInstance detail(@PathParam("id") long id) {
        BountyView bounty = view(id);
        Bounty entity = Bounty.findById(id);
        Site current = site.get();
        List<ChainEvent> events = entity.onchainId == null ? List.of() : ChainEvent.ofBounty(entity.contract, entity.onchainId);
        List<Payout> payouts = Payout.ofBounty(id);
        Instant now = Instant.ofEpochSecond(current.chainNow());
        // A credit from this bounty that the viewer has not withdrawn yet: the contract holds it until then.
        boolean creditToWithdraw = payouts.stream().anyMatch(p -> p.credited && current.is(p.recipient)
                && transactions.creditOf(p.recipient, p.token).signum() > 0);
        Boards boards = boards(bounty, now);
        return Templates.detail(current, bounty, entity, timeline(bounty, entity, events, now), events, boards,
                actions(bounty, entity, creditToWithdraw, current, now), payouts,
                data(bounty, entity, boards.privateEntries()));
    }

    /** The leaderboards alone: what the page polls while the bounty is open. */
    @GET
    @Path("/{id}/leaderboard")
    public TemplateInstance leaderboards(@PathParam("id") long id) {
        BountyView bounty = view(id);
        Site current = site.get();
        return Templates.detail$leaderboards(current, bounty, boards(bounty, Instant.ofEpochSecond(current.chainNow())));
    }

    private BountyView view(long id) {
        BountyView bounty;
        try {
            bounty = bounties.get(id, Optional.ofNullable(site.viewer()));
        } catch (BountyException e) {
            throw PageException.notFound("There is no bounty " + id + ".");
        }
        if (BountyStatus.DRAFT.name().equals(bounty.status()) && !site.get().is(bounty.sponsor())) {
            // A draft is its sponsor's until its createBounty transaction is on the chain.
            throw PageException.notFound("There is no bounty " + id + ".");
        }
        return bounty;
    }

    private Data data(BountyView bounty, Bounty entity, List<LeaderboardEntry> privateEntries) {
        List<Download> downloads = new ArrayList<>();
        String api = "/api/bounties/" + bounty.id();
        if (entity.specJson != null) {
            downloads.add(new Download("Spec (JSON)", api + "/spec", "its keccak256 is the spec hash on-chain"));
        }
        if (entity.publicSampleKey != null) {
            downloads.add(new Download("Public sample", api + "/public-sample",
                    TemplateExtensions.bytes(entity.publicSampleSize) + ", with labels: check your model on it"));
        }
        if (entity.testSetRevealed && entity.testSetKey != null) {
            downloads.add(new Download("Hidden test set (revealed)", api + "/test-set",
                    TemplateExtensions.bytes(entity.testSetSize) + ", opened on-chain: re-run the evaluation with it"));
        }
        if (entity.reportHash != null && entity.resultsJson != null) {
            downloads.add(new Download("Results document", api + "/results", "its keccak256 is the report hash"));
        }
        if (BountyStatus.FINALIZED.name().equals(bounty.status())) {
            for (LeaderboardEntry e : privateEntries) {
                if (Boolean.TRUE.equals(e.paid())) {
                    downloads.add(new Download("Winning model, rank " + e.rank(), "/api/submissions/"
                            + e.submissionId() + "/model", "by " + TemplateExtensions.shortAddress(e.contributor())));
                }
            }
        }
        return new Data(downloads, bountyData.preview(entity).orElse(null),
                bountyData.requirements(entity).orElse(null), BountyData.metric(bounty.metric()));
    }

    private Boards boards(BountyView bounty, Instant now) {
        var publicBoard = bounties.leaderboard(bounty.id(), "public", 0, BOARD_SIZE, Optional.ofNullable(site.viewer()));
        var privateBoard = bounties.leaderboard(bounty.id(), "private", 0, BOARD_SIZE, Optional.ofNullable(site.viewer()));
        boolean higherIsBetter = bounty.higherIsBetter() == null || bounty.higherIsBetter();
        boolean hasPrivate = !privateBoard.items().isEmpty();
        ScoreChart chart = ScoreChart.of(hasPrivate ? privateBoard.items() : publicBoard.items(), bounty.threshold(),
                higherIsBetter, bounty.metric());
        boolean open = BountyStatus.OPEN.name().equals(bounty.status());
        boolean closed = bounty.submissionDeadline() != null && !now.isBefore(bounty.submissionDeadline());
        Optional<LiveBoardSpec> terms = bounties.liveBoard(bounty.id(), Optional.ofNullable(site.viewer()));
        return new Boards(publicBoard.items(), publicBoard.total(), privateBoard.items(), chart,
                hasPrivate ? "private" : "public", open, closed, terms.map(LiveBoardSpec::sharePercent).orElse(null),
                terms.map(LiveBoardSpec::scoringsPerDay).orElse(null));
    }

    private static Actions actions(BountyView bounty, Bounty entity, boolean creditToWithdraw, Site site, Instant now) {
        String status = bounty.status();
        boolean open = status.equals("OPEN");
        boolean beforeChallengeDeadline = bounty.challengeDeadline() != null && now.isBefore(bounty.challengeDeadline());
        Instant arbitrationDeadline = bounty.challengeDeadline() == null ? null
                : bounty.challengeDeadline().plus(ArbiterResource.ARBITRATION_PERIOD);
        boolean arbitrationOver = arbitrationDeadline != null && !now.isBefore(arbitrationDeadline);
        // A public bounty pays out once revealed, or as withheld from its reveal deadline on.
        boolean revealDue = bounty.trust().revealDeadline() != null && now.isBefore(bounty.trust().revealDeadline());
        boolean finalizeNow = !revealDue && ((status.equals("PROPOSED") && !beforeChallengeDeadline)
                || status.equals("RESOLVED") || (status.equals("DISPUTED") && arbitrationOver));
        // The sponsor, evaluator and arbiter cannot enter: the contract never pays their entries.
        boolean submit = open && TemplateExtensions.judgeRoleOf(bounty, site.viewer()).isEmpty();
        boolean expire = (open || status.equals("CLOSED")) && bounty.evaluationDeadline() != null
                && !now.isBefore(bounty.evaluationDeadline());
        return new Actions(submit, open, open && site.is(bounty.sponsor()) && bounty.submissionCount() == 0,
                // several may challenge: also a disputed bounty, until the window closes or the arbiter rules
                (status.equals("PROPOSED") || status.equals("DISPUTED")) && beforeChallengeDeadline, finalizeNow, expire,
                status.equals("DISPUTED") && !arbitrationOver && site.is(entity.arbiter), creditToWithdraw,
                // overturned and paid out: the viewer's own challenge, not yet paid back
                status.equals("FINALIZED") && bounty.resultsOverturned()
                        && bounty.challenges().stream().anyMatch(c -> site.is(c.challenger()) && !c.claimed()));
    }

    private static List<Step> timeline(BountyView b, Bounty entity, List<ChainEvent> events, Instant now) {
        Map<String, ChainEvent> first = new LinkedHashMap<>();
        for (ChainEvent event : events) {
            first.putIfAbsent(event.name, event);
        }
        List<Step> steps = new ArrayList<>();
        String status = b.status();
        boolean onChain = entity.onchainId != null;
        steps.add(new Step("Created and funded", onChain ? "Reward escrowed by the contract" : "Waiting for the sponsor's"
                + " createBounty transaction", entity.createdAt, b.createdTx(), onChain ? "done" : "current"));
        if (status.equals("CANCELLED")) {
            steps.add(new Step("Cancelled", "The sponsor took the reward back before any submission", null,
                    tx(first, "BountyCancelled"), "done"));
            return steps;
        }
        boolean closed = b.submissionDeadline() != null && !now.isBefore(b.submissionDeadline());
        steps.add(new Step("Open for submissions", b.submissionCount() + " committed", b.submissionDeadline(), null,
                !onChain ? "upcoming" : closed ? "done" : "current"));
        boolean proposed = first.containsKey("ResultsProposed");
        if (status.equals("EXPIRED")) {
            steps.add(new Step("Expired", "No results before the evaluation deadline: the sponsor was refunded",
                    b.evaluationDeadline(), tx(first, "BountyExpired"), "done"));
            return steps;
        }
        steps.add(new Step("Results posted", proposed ? "Ranking and report hash on-chain" : "Due before the evaluation deadline",
                proposed ? null : b.evaluationDeadline(), tx(first, "ResultsProposed"),
                proposed ? "done" : closed ? "current" : "upcoming"));
        if ("public".equals(b.revealPolicy())) {
            steps.add(new Step("Test set revealed", "Anyone can re-run the evaluation", null, tx(first, "TestSetRevealed"),
                    b.testSetRevealed() ? "done" : proposed ? "current" : "upcoming"));
        }
        boolean challenged = first.containsKey("Challenged");
        boolean finalized = status.equals("FINALIZED");
        steps.add(new Step(challenged ? "Challenged" : "Challenge window",
                challenged ? b.challenges().size() + (b.challenges().size() == 1 ? " challenge" : " challenges")
                        + ", waiting for the arbiter; others may still challenge until the window closes"
                        : "Anyone may challenge by posting a bond", b.challengeDeadline(),
                tx(first, "Challenged"), !proposed ? "upcoming"
                        : status.equals("PROPOSED") && now.isBefore(b.challengeDeadline()) ? "current" : "done"));
        if (challenged) {
            for (ArbiterRelease release : ArbiterRelease.ofBounty(entity.id)) {
                steps.add(new Step(switch (release.what) {
                    case "TEST_SET" -> "Test set handed to the arbiter";
                    case "TEST_SET_SALT" -> "Test-set salt handed to the arbiter";
                    default -> "Model handed to the arbiter";
                }, "Downloaded by the arbiter " + TemplateExtensions.shortAddress(release.recipient)
                        + (release.submissionId == null ? "" : " (submission " + release.submissionId + ")")
                        + " to rule on the challenge", release.releasedAt, null, "done"));
            }
            String ruling = first.containsKey("ResultsUpheld") ? "ResultsUpheld"
                    : first.containsKey("ResultsOverturned") ? "ResultsOverturned" : null;
            Instant arbitrationDeadline = b.challengeDeadline().plus(ArbiterResource.ARBITRATION_PERIOD);
            String pending = "The arbiter " + TemplateExtensions.shortAddress(entity.arbiter) + " checks the results"
                    + ("confidential".equals(b.revealPolicy()) ? " (only the arbiter may download this confidential"
                            + " test set, and every download shows here)" : "")
                    + " and rules before this deadline: overturned, the corrected ranking is paid and every challenger"
                    + " gets its bond back; upheld, the results stand and the bonds go to the treasury. If the arbiter"
                    + " lets the deadline pass, the dispute lapses: the proposed results stand and every bond is"
                    + " forfeited, as if upheld.";
            steps.add(new Step(ruling == null ? "Arbiter's ruling" : ruling.equals("ResultsUpheld") ? "Results upheld"
                    : "Results overturned", ruling == null ? pending : "The arbiter ruled", ruling == null
                            ? arbitrationDeadline : null, tx(first, ruling), ruling != null ? "done" : "current"));
        }
        steps.add(new Step("Paid", finalized ? "Prizes paid; the remainder returned to the sponsor"
                : "Paid out when the challenge window ends", null, tx(first, "BountyFinalized"),
                finalized ? "done" : "upcoming"));
        return steps;
    }

    private static String tx(Map<String, ChainEvent> first, String name) {
        ChainEvent event = name == null ? null : first.get(name);
        return event == null ? null : event.txHash;
    }
}
