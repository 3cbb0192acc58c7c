package dev.bountymarket.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.evaluator.report.Report;
import dev.bountymarket.submission.RelayService;
import dev.bountymarket.submission.RelayView;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.submission.SubmissionView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** A submission's live status, and its evaluation report with everything needed to check it yourself. */
@Path("/submissions")
@Produces(MediaType.TEXT_HTML)
public class SubmissionPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance status(Site site, SubmissionView submission, boolean live, Commit commit,
                RelayView.Status relay);

        static native TemplateInstance status$timeline(Site site, SubmissionView submission, boolean live,
                RelayView.Status relay);

        static native TemplateInstance report(Site site, SubmissionView submission, Bounty bounty, String kind,
                ReportView report, String problem);
    }

    /**
     * A report as the page shows it. {@code matrix} rows are true classes, columns predicted; {@code rocPoints} is the
     * curve as SVG polyline points in a 200 x 200 box (null when the report has no curve: regression, multiclass).
     */
    public record ReportView(String json, String hash, String metric, String score, long rows, String evaluatorVersion,
            String specHash, String modelSha256, String testSetSha256, Map<String, String> metrics,
            List<String> classes, List<List<Long>> matrix, String rocPoints) {
    }

    /**
     * For the contributor of an upload not yet committed: whether it can be committed now, else why not (the same
     * checks the commit transaction is prepared with), and whether the relayer can post it instead (sign, no gas: not
     * for a model signed for it already). Null for anyone else, and once committed.
     */
    public record Commit(boolean possible, String reason, boolean signable) {
    }

    @Inject
    SubmissionService submissions;

    @Inject
    SiteContext site;

    @Inject
    RelayService relayer;

    @Inject
    ObjectMapper json;

    @GET
    @Path("/{id}")
    public TemplateInstance status(@PathParam("id") long id) {
        SubmissionView view = visible(id);
        Site current = site.get();
        Commit commit = null;
        RelayView.Status relay = relay(id);
        // A model signed for the relayer is sent directly only once the relayer left it out of its batches: sent both
        // ways, it would use two of the contributor's submissions.
        boolean direct = relay == null || relay.leftOut();
        if (view.chainIndex() == null && direct && current.viewer() != null && current.is(view.contributor())) {
            try {
                submissions.submitTransaction(id, current.viewer());
                commit = new Commit(true, null, relay == null && relayer.available());
            } catch (BountyException e) {
                commit = new Commit(false, e.getMessage(), false);
            }
        }
        return Templates.status(current, view, live(view), commit, relay);
    }

    /** The timeline alone, polled by the status page until the submission is paid or finished. */
    @GET
    @Path("/{id}/timeline")
    public TemplateInstance timeline(@PathParam("id") long id) {
        SubmissionView view = visible(id);
        return Templates.status$timeline(site.get(), view, live(view), relay(id));
    }

    /** Where a submission signed for the relayer is (waiting, posting, posted); null for one not signed for it. */
    private RelayView.Status relay(long id) {
        RelayView.Status status = relayer.status(id);
        return status.state().equals("unsigned") || status.state().equals("direct") ? null : status;
    }

    @GET
    @Path("/{id}/report")
    public TemplateInstance report(@PathParam("id") long id, @QueryParam("kind") @DefaultValue("") String kind) {
        SubmissionView view = visible(id);
        Bounty bounty = Bounty.findById(view.bountyId());
        String chosen = kind.isBlank() ? (bounty.reportHash != null ? "private" : "public") : kind;
        if (!chosen.equals("public") && !chosen.equals("private")) {
            throw new PageException(Status.BAD_REQUEST, "No such report", "kind must be public or private");
        }
        try {
            return Templates.report(site.get(), view, bounty, chosen, parse(submissions.report(id, chosen, Optional.ofNullable(site.viewer()))), null);
        } catch (BountyException e) {
            return Templates.report(site.get(), view, bounty, chosen, null, e.getMessage());
        }
    }

    private static boolean live(SubmissionView view) {
        return !Boolean.TRUE.equals(view.paid()) && (view.validation() == null || view.validation().ok());
    }

    /**
     * A submission and its model hash stay its contributor's until submissions close: someone holding another's hash
     * and file could commit it first.
     */
    private SubmissionView visible(long id) {
        Submission submission = Submission.findById(id);
        if (submission == null) {
            throw PageException.notFound("There is no submission " + id + ".");
        }
        Bounty bounty = Bounty.findById(submission.bountyId);
        boolean open = bounty.submissionDeadline == null
                || Instant.ofEpochSecond(site.get().chainNow()).isBefore(bounty.submissionDeadline);
        if (open && !site.get().is(submission.contributor)) {
            throw PageException.forbidden("Submission " + id + " is visible only to its contributor until submissions"
                    + " to its bounty close" + (site.get().signedIn() ? "." : ". Sign in if it is yours."));
        }
        return submissions.view(id, Optional.ofNullable(site.viewer()));
    }

    private ReportView parse(String text) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored report is not JSON", e);
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("metrics").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            metrics.put(metric.getKey(), metric.getValue().isNull() ? "undefined" : metric.getValue().asText());
        }
        List<String> classes = new ArrayList<>();
        root.path("classes").forEach(c -> classes.add(c.asText()));
        List<List<Long>> matrix = new ArrayList<>();
        root.path("confusionMatrix").forEach(row -> {
            List<Long> counts = new ArrayList<>();
            row.forEach(count -> counts.add(count.asLong()));
            matrix.add(counts);
        });
        String roc = null;
        JsonNode fpr = root.path("rocCurve").path("fpr");
        JsonNode tpr = root.path("rocCurve").path("tpr");
        if (fpr.isArray() && fpr.size() > 1 && fpr.size() == tpr.size()) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < fpr.size(); i++) {
                points.append(i == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.2f,%.2f",
                        fpr.get(i).asDouble() * 200, 200 - tpr.get(i).asDouble() * 200));
            }
            roc = points.toString();
        }
        return new ReportView(text, Report.parse(text).hash(), root.path("metric").asText(),
                TemplateExtensions.score(root.path("score").asLong()), root.path("rows").asLong(),
                root.path("evaluatorVersion").asText(), root.path("specHash").asText(), root.path("modelSha256").asText(),
                root.path("testSetSha256").asText(), metrics, classes, matrix, roc);
    }
}
