package dev.bountymarket.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "bounties", mixinStandardHelpOptions = true, description = "List bounties, with filters.")
final class BountiesCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = "--status", paramLabel = "STATUS", description = "open, closed, proposed, disputed, finalized, ...")
    String status;

    @Option(names = "--task", paramLabel = "TASK", description = "The task kind, e.g. binary-classification.")
    String task;

    @Option(names = "--search", paramLabel = "TEXT", description = "Words in the title or description.")
    String search;

    @Option(names = "--sort", paramLabel = "ORDER", defaultValue = "newest",
            description = "newest, reward, deadline, ... (default: ${DEFAULT-VALUE}).")
    String sort;

    @Option(names = "--page", defaultValue = "0", description = "Page, from 0.")
    int page;

    @Option(names = "--size", defaultValue = "20", description = "Bounties per page (at most 100).")
    int size;

    @Override
    public Integer call() {
        StringBuilder query = new StringBuilder("/api/bounties?sort=" + encode(sort) + "&page=" + page + "&size=" + size);
        if (status != null) {
            query.append("&status=").append(encode(status));
        }
        if (task != null) {
            query.append("&task=").append(encode(task));
        }
        if (search != null) {
            query.append("&q=").append(encode(search));
        }
        JsonNode answer = new Api(main.server(), Optional.empty()).get(query.toString());
        if (main.json()) {
            System.out.println(answer.toPrettyString());
            return ExitCodes.OK;
        }
        Table table = new Table("ID", "STATUS", "TITLE", "REWARD", "METRIC", "SUBMISSIONS", "DEADLINE");
        for (JsonNode b : answer.path("items")) {
            table.row(b.path("id").asText(), b.path("status").asText(), b.path("title").asText(),
                    Amounts.reward(b), b.path("metric").asText("-"), b.path("submissionCount").asText(),
                    b.path("submissionDeadline").asText("-"));
        }
        table.print(System.out);
        System.out.println("page " + answer.path("page").asInt() + ", " + answer.path("total").asLong() + " in all");
        return ExitCodes.OK;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
