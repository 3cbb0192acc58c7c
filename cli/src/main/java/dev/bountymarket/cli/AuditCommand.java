package dev.bountymarket.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

import dev.bountymarket.cli.audit.Artifacts;
import dev.bountymarket.cli.audit.Audit;
import dev.bountymarket.cli.audit.ChainFacts;
import dev.bountymarket.cli.audit.FolderArtifacts;
import dev.bountymarket.cli.audit.ServerArtifacts;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.evaluator.sandbox.SandboxLimits;
import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check a bounty's posted results yourself: read its terms, commitments, reportHash and reveal "
                + "from the chain, check every public file against them, and re-run every ranked entry and every "
                + "exclusion with the same evaluator.",
                "The server is trusted for nothing the chain says: it (or a folder) only supplies files, each checked "
                        + "by its hash."},
        footer = {"", "Exit codes: 0 everything matches; 1 a mismatch (named in the table); 2 the chain or server "
                + "failed; 3 nothing differs but some entries could not be re-run (models not published)."})
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "ID", description = "The bounty's id on the server (as in /bounties/ID); with --artifacts,"
            + " its on-chain id.")
    long id;

    @Option(names = "--rpc", required = true, paramLabel = "URL", description = "A JSON-RPC URL of the bounty's chain"
            + " (your own node or provider: this is what the audit trusts).")
    String rpc;

    @Option(names = "--market", paramLabel = "ADDRESS", description = "The BountyMarket contract (default: the one the"
            + " results document names; give it to pin the contract you know).")
    String market;

    @Option(names = "--from-block", paramLabel = "BLOCK", defaultValue = "0", description = "The first block whose"
            + " events are read (default: ${DEFAULT-VALUE}, the whole chain; give the contract's deployment block to a"
            + " provider that limits eth_getLogs ranges).")
    long fromBlock;

    @Option(names = "--artifacts", paramLabel = "DIR", description = "Read the files from this folder (the layout"
            + " `download` writes) instead of the server.")
    Path artifactsDir;

    @Option(names = "--save", paramLabel = "DIR", description = "Where to keep the files downloaded from the server"
            + " (default: ./bounty-ID).")
    Path save;

    @Option(names = "--corrected", paramLabel = "FILE", description = "Where to write the corrected results document"
            + " when a re-run differs (default: corrected-results.json in the --save folder, or beside --artifacts);"
            + " its bounty's arbiter sends it with `bountymarket overturn`.")
    Path corrected;

    @Option(names = "--in-process", description = "Run models in this JVM instead of a sandboxed child JVM.")
    boolean inProcess;

    @Option(names = "--timeout-seconds", paramLabel = "N", defaultValue = "600",
            description = "Time limit of each re-run (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        Artifacts artifacts;
        BigInteger onchainId;
        if (artifactsDir != null) {
            if (!Files.isDirectory(artifactsDir)) {
                throw new CliException(ExitCodes.LOCAL, "--artifacts " + artifactsDir + " is not a folder");
            }
            artifacts = new FolderArtifacts(artifactsDir);
            onchainId = BigInteger.valueOf(id);
        } else {
            // signed in, the bounty's arbiter gets what others may not during a dispute (a confidential test set)
            Api api = new Api(main.server(), TokenStore.standard().find(main.server()).map(TokenStore.Entry::token));
            JsonNode bounty = api.get("/api/bounties/" + id);
            if (!bounty.hasNonNull("onchainId")) {
                throw new CliException(ExitCodes.REMOTE, "bounty " + id + " is not on-chain yet");
            }
            onchainId = new BigInteger(bounty.get("onchainId").asText());
            Path dir = save != null ? save : Path.of("bounty-" + id);
            artifacts = new ServerArtifacts(api, id, dir);
        }
        String contract = market != null ? market : contractFromDocument(artifacts);
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw new CliException(ExitCodes.USAGE, "--market must be a 0x address of 40 hex digits");
        }
        Web3j web3j = Web3j.build(new HttpService(rpc));
        ChainFacts chain;
        long chainId;
        try {
            chain = ChainFacts.read(web3j, contract, onchainId, fromBlock);
            chainId = web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException e) {
            throw new CliException(ExitCodes.REMOTE, "cannot read the chain id from " + rpc + ": " + e.getMessage());
        } finally {
            web3j.shutdown();
        }
        Audit audit = new Audit(chain, artifacts, runner());
        Audit.Result result = audit.run();
        print(chain, artifacts, result, market == null);
        if (result.overall() == Audit.Verdict.MISMATCH) {
            writeCorrection(audit.corrected(chainId));
        }
        return switch (result.overall()) {
            case MATCH -> ExitCodes.OK;
            case MISMATCH -> ExitCodes.MISMATCH;
            case UNCHECKED -> ExitCodes.INCOMPLETE;
        };
    }

    /** Writes the results the re-runs give, for the arbiter's overturn; or says why there are none. */
    private void writeCorrection(Audit.Correction correction) {
        if (correction.document().isEmpty()) {
            System.err.println("No corrected results document: " + correction.why());
            return;
        }
        Path file = corrected != null ? corrected : artifactsDir != null ? artifactsDir.resolve("corrected-results.json")
                : (save != null ? save : Path.of("bounty-" + id)).resolve("corrected-results.json");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.writeString(file, correction.document().get());
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot write the corrected results to " + file + ": " + e.getMessage());
        }
        (main.json() ? System.err : System.out).println("Corrected results written to " + file + " (reportHash " + correction.reportHash() + ");"
                + " the bounty's arbiter overturns with: bountymarket overturn " + id + " --results " + file);
    }

    private static String contractFromDocument(Artifacts artifacts) {
        Path results = artifacts.results().orElseThrow(() -> new CliException(ExitCodes.USAGE, "no results document in "
                + artifacts.describe() + " to name the contract: give --market ADDRESS"));
        try {
            return Api.JSON.readTree(Files.readString(results)).path("contract").asText();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + results + " (" + e.getMessage() + "): give --market");
        }
    }

    private Audit.Runner runner() {
        if (inProcess) {
            return (spec, request, size) -> {
                try {
                    return new EvaluationOutcome.Success(Evaluation.evaluate(request));
                } catch (EvaluationException e) {
                    return new EvaluationOutcome.Failure(e);
                }
            };
        }
        SandboxedEvaluator sandbox = new SandboxedEvaluator(SandboxLimits.defaults()
                .withTimeout(Duration.ofSeconds(timeoutSeconds)));
        return (spec, request, size) -> sandbox.sizedFor(spec, size).evaluate(request);
    }

    private void print(ChainFacts chain, Artifacts artifacts, Audit.Result result, boolean contractFromDocument) {
        if (main.json()) {
            ObjectNode root = Api.JSON.createObjectNode();
            root.put("bountyId", chain.bountyId().toString());
            root.put("contract", chain.market());
            root.put("status", chain.statusName());
            root.put("reportHash", chain.reportHash());
            root.put("verdict", result.overall().name());
            ArrayNode checks = root.putArray("checks");
            result.checks().forEach(c -> checks.addObject().put("what", c.what()).put("verdict", c.verdict().name())
                    .put("detail", c.detail()));
            ArrayNode rows = root.putArray("entries");
            for (Audit.Row r : result.rows()) {
                ObjectNode row = rows.addObject().put("entry", r.entry()).put("submissionIndex", r.submissionIndex())
                        .put("contributor", r.contributor());
                if (r.postedScore() != null) {
                    row.put("postedScore", r.postedScore());
                } else {
                    row.putNull("postedScore");
                }
                row.put("recomputed", r.recomputed()).put("verdict", r.verdict().name()).put("reason", r.reason());
            }
            System.out.println(root.toPrettyString());
            return;
        }
        System.out.println("Bounty " + chain.bountyId() + " on " + chain.market() + (contractFromDocument
                ? " (the contract the results document names; pin it with --market)" : "") + ": " + chain.statusName()
                + ", reportHash " + chain.reportHash());
        System.out.println("Files from " + artifacts.describe());
        System.out.println();
        Table checks = new Table("CHECK", "RESULT", "DETAIL");
        result.checks().forEach(c -> checks.row(c.what(), c.verdict(), c.detail()));
        checks.print(System.out);
        System.out.println();
        Table rows = new Table("ENTRY", "SUBMISSION", "CONTRIBUTOR", "POSTED", "RECOMPUTED", "RESULT", "REASON");
        result.rows().forEach(r -> rows.row(r.entry(), r.submissionIndex(), r.contributor(), r.postedScore(),
                r.recomputed(), r.verdict(), r.reason()));
        if (rows.isEmpty()) {
            System.out.println("(no ranked entries and no exclusions to re-run)");
        } else {
            rows.print(System.out);
        }
        System.out.println();
        System.out.println(switch (result.overall()) {
            case MATCH -> "MATCH: every hash and every re-run agrees with the chain";
            case MISMATCH -> "MISMATCH: see the rows marked MISMATCH";
            case UNCHECKED -> "INCOMPLETE: nothing differs, but the rows marked UNCHECKED could not be checked";
        });
    }
}
