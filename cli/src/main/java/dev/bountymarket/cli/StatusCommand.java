package dev.bountymarket.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Your submissions, or one submission's timeline; with --wait, follow it until it has its score on "
                + "the hidden test set (or fails).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "SUBMISSION", arity = "0..1", description = "A submission id (default: list yours).")
    Long submissionId;

    @Option(names = "--wait", description = "Follow the submission until it is scored on the hidden test set.")
    boolean await;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        String server = main.server();
        Api api = new Api(server, Optional.of(TokenStore.standard().require(server).token()));
        if (submissionId == null) {
            JsonNode mine = api.get("/api/me/submissions");
            if (main.json()) {
                System.out.println(mine.toPrettyString());
                return ExitCodes.OK;
            }
            Table table = new Table("SUBMISSION", "BOUNTY", "MODEL SHA256", "PUBLIC", "PRIVATE", "RANK", "PAID", "LAST STEP");
            for (JsonNode s : mine) {
                JsonNode timeline = s.path("timeline");
                table.row(s.path("id").asText(), s.path("bountyId").asText(), s.path("modelSha256").asText("-"),
                        s.path("publicScore").asText("-"), s.path("privateScore").asText("-"), s.path("rank").asText("-"),
                        s.path("paid").asText("-"), timeline.isEmpty() ? "-" : timeline.get(timeline.size() - 1).path("step")
                                .asText());
            }
            table.print(System.out);
            return ExitCodes.OK;
        }
        String path = "/api/submissions/" + submissionId;
        JsonNode view = api.get(path);
        String lastStep = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (await && !finished(view)) {
            String step = lastStep(view);
            if (!step.equals(lastStep) && !main.json()) {
                System.err.println("submission " + submissionId + ": " + step);
                lastStep = step;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.REMOTE, "submission " + submissionId + " has no score after "
                        + timeoutSeconds + " s; last step: " + step);
            }
            Thread.sleep(2000);
            view = api.get(path);
        }
        if (main.json()) {
            System.out.println(view.toPrettyString());
            return ExitCodes.OK;
        }
        System.out.println("Submission " + submissionId + " to bounty " + view.path("bountyId").asText() + " ("
                + view.path("bountyTitle").asText() + ")");
        Table table = new Table("STEP", "AT", "TX", "DETAIL");
        for (JsonNode step : view.path("timeline")) {
            table.row(step.path("step").asText(), step.path("at").asText("-"), step.path("tx").asText("-"),
                    step.path("detail").asText("-"));
        }
        table.print(System.out);
        JsonNode evaluation = view.path("privateEvaluation");
        if (view.hasNonNull("privateScore")) {
            System.out.println("private score: " + view.get("privateScore").asText() + ", rank "
                    + (view.hasNonNull("rank") ? Integer.toString(view.get("rank").asInt() + 1) : "-") + ", qualified " + view.path("qualified").asText("-") + ", paid "
                    + view.path("paid").asText("-"));
        } else if ("FAILED".equals(evaluation.path("status").asText())) {
            System.out.println("evaluation failed (" + evaluation.path("errorCode").asText() + "): "
                    + evaluation.path("errorMessage").asText());
        }
        return ExitCodes.OK;
    }

    private static boolean finished(JsonNode view) {
        return view.hasNonNull("privateScore") || "FAILED".equals(view.path("privateEvaluation").path("status").asText())
                || view.path("validation").hasNonNull("ok") && !view.path("validation").path("ok").asBoolean();
    }

    private static String lastStep(JsonNode view) {
        JsonNode timeline = view.path("timeline");
        String step = timeline.isEmpty() ? "uploaded" : timeline.get(timeline.size() - 1).path("step").asText();
        JsonNode evaluation = view.path("privateEvaluation");
        return evaluation.isMissingNode() || evaluation.isNull() ? step
                : step + " (hidden test set: " + evaluation.path("status").asText() + ")";
    }

    /** Waits while an upload's check on the public sample is queued or running, and returns the view with its result. */
    static JsonNode awaitCheck(Api api, long submissionId, JsonNode view) {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (view.hasNonNull("check") && !view.hasNonNull("validation")) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.REMOTE, "the check of submission " + submissionId + " did not finish");
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.REMOTE, "interrupted");
            }
            view = api.get("/api/submissions/" + submissionId);
        }
        return view;
    }
}
