package dev.bountymarket.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "bounty", mixinStandardHelpOptions = true,
        description = "One bounty: its terms, trust signals, deadlines and leaderboard.")
final class BountyCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "The bounty's id on the server.")
    long id;

    @Override
    public Integer call() {
        Api api = new Api(main.server(), Optional.empty());
        JsonNode b = api.get("/api/bounties/" + id);
        boolean results = b.hasNonNull("reportHash");
        JsonNode board = api.get("/api/bounties/" + id + "/leaderboard?board=" + (results ? "private" : "public")
                + "&size=100");
        if (main.json()) {
            ObjectNode all = Api.JSON.createObjectNode();
            all.set("bounty", b);
            all.set("leaderboard", board);
            System.out.println(all.toPrettyString());
            return ExitCodes.OK;
        }
        System.out.println("Bounty " + id + " (on-chain " + b.path("onchainId").asText("-") + "): " + b.path("title").asText());
        Table terms = new Table("FIELD", "VALUE");
        terms.row("status", b.path("status").asText());
        terms.row("task / metric", b.path("task").asText() + " / " + b.path("metric").asText()
                + (b.path("higherIsBetter").asBoolean(true) ? " (higher is better)" : " (lower is better)"));
        terms.row("reward", Amounts.reward(b));
        terms.row("threshold", b.path("threshold").asText("-"));
        terms.row("shares (bps)", b.path("shares").toString());
        terms.row("reveal policy", b.path("revealPolicy").asText());
        terms.row("submissions close", b.path("submissionDeadline").asText("-"));
        terms.row("evaluation deadline", b.path("evaluationDeadline").asText("-"));
        terms.row("challenge deadline", b.path("challengeDeadline").asText("-"));
        terms.row("sponsor", b.path("sponsor").asText("-"));
        terms.row("evaluator", b.path("evaluator").asText("-"));
        terms.row("arbiter", b.path("arbiter").asText("-"));
        JsonNode trust = b.path("trust");
        terms.row("roles distinct", trust.path("rolesDistinct").asBoolean() ? "yes" : "NO: the sponsor also "
                + (trust.path("sponsorIsEvaluator").asBoolean() ? "evaluates" : "arbitrates"));
        terms.row("bond / reward", trust.hasNonNull("bondToRewardBps") ? trust.get("bondToRewardBps").asLong() / 100.0 + "%"
                : "-");
        terms.row("specHash", b.path("specHash").asText("-"));
        terms.row("reportHash", b.path("reportHash").asText("-"));
        terms.print(System.out);
        System.out.println();
        System.out.println((results ? "Private" : "Public") + " leaderboard (" + board.path("total").asLong() + "):");
        Table rows = new Table("RANK", "SUBMISSION", "CONTRIBUTOR", "SCORE", "QUALIFIED", "PAID");
        for (JsonNode e : board.path("items")) {
            rows.row(e.path("rank").asText(), e.path("submissionId").asText(), e.path("contributor").asText(),
                    e.path("score").asText("-"), e.path("qualified").asText("-"), e.path("paid").asText("-"));
        }
        rows.print(System.out);
        return ExitCodes.OK;
    }
}
