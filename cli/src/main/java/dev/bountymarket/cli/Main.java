package dev.bountymarket.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.Locale;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code bountymarket} command: one jar with every subcommand. Output is a table (or plain lines) for people and
 * JSON with {@code --json} for scripts; errors go to standard error as one line, and the exit code says what kind.
 */
@Command(name = "bountymarket", mixinStandardHelpOptions = true, version = "bountymarket 0.1.0",
        description = "Enter and check ML-model bounties from the command line.",
        subcommands = {LoginCommand.class, BountiesCommand.class, BountyCommand.class, DownloadCommand.class,
                DraftCommand.class, FundCommand.class,
                CheckCommand.class, SubmitCommand.class, StatusCommand.class, WithdrawCommand.class,
                AuditCommand.class, RulingCommands.Overturn.class, RulingCommands.Uphold.class,
                EvaluatorCommands.Verify.class, EvaluatorCommands.Results.class,
                EvaluatorCommands.SpecHash.class, EvaluatorCommands.Evaluate.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done; audit: every hash and re-run matched; check: the model runs",
                "1:audit: a mismatch (named in the table); check: the model was refused",
                "2:the server or the chain refused or failed, a download did not hash as expected, or (verify, evaluate) the evaluation failed",
                "3:audit: no mismatch, but some entries could not be re-run (their models are not published)",
                "64:bad command line",
                "66:a local file is missing or unreadable, or the key cannot be loaded",
                "77:not signed in, or the token file is readable by other users"})
public final class Main implements Runnable {

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The marketplace's address (default: $BOUNTYMARKET_SERVER, else http://localhost:8080).")
    String server;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts instead of tables.")
    boolean json;

    /** The server's base URL, without a trailing slash. */
    public String server() {
        String url = server != null ? server : System.getenv().getOrDefault("BOUNTYMARKET_SERVER", "http://localhost:8080");
        url = url.replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--server '" + url + "' is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new CliException(ExitCodes.USAGE, "--server '" + url + "' must be an http(s) URL such as"
                    + " https://bounties.example.com");
        }
        return url;
    }

    public boolean json() {
        return json;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a subcommand (see --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, arguments) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("bountymarket: " + e.getMessage());
            err.println("(see: bountymarket " + subcommandPath(e.getCommandLine()) + "--help)");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException failure) {
                err.println("bountymarket: " + failure.getMessage());
                err.flush();
                return failure.exitCode();
            }
            throw e;
        });
        return cli.execute(args);
    }

    private static String subcommandPath(CommandLine command) {
        StringBuilder path = new StringBuilder();
        for (CommandLine c = command; c.getParent() != null; c = c.getParent()) {
            path.insert(0, c.getCommandName() + " ");
        }
        return path.toString();
    }
}
