package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluator.report.CanonicalJson;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.BrowserScripts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.ServerProcess;
import dev.bountymarket.testing.TestChain;

/**
 * The bountymarket command as a user runs it: a separate process (cli/target/bountymarket.jar) against the packaged
 * server with its local stack (a real anvil and PostgreSQL). A sponsor drafts and funds a bounty, two contributors
 * sign in, download, check and submit, and follow their entries to a score; after the payout {@code audit} matches
 * every entry, and fails, naming the file, when an artifact is tampered with or a server lies about the results. Then a
 * confidential bounty with a wrong posted ranking is challenged and settled by its arbiter through the command line.
 */
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBMISSION = Pattern.compile("Committed submission (\\d+)");

    @TempDir
    Path home;

    private String server;
    private String rpc;

    /** Starts the packaged server with its own chain (anvil) on free ports, and points {@code server} and {@code rpc} at them. */
    private Process startServer(Path log) throws Exception {
        int httpPort = TestChain.freePort();
        int chainPort = TestChain.freePort();
        server = "http://127.0.0.1:" + httpPort;
        rpc = "http://127.0.0.1:" + chainPort;
        return ServerProcess.start(Map.of("local-stack", home.resolve("stack").toString(),
                "local-stack.chain-port", Integer.toString(chainPort), "quarkus.http.port", Integer.toString(httpPort),
                "anvil.path", System.getProperty("anvil.path"), "demo.enabled", "false", "keeper.interval", "1s"),
                List.of(), log);
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }
    }

    @Test
    void contributorPath_thenAuditMatchesAndCatchesEveryTamperedArtifact() throws Exception {
        Path log = home.resolve("server.log");
        Process app = startServer(log);
        try (ChainDriver chain = new ChainDriver(rpc)) {
            String market = ServerProcess.contract(ServerProcess.awaitReady(app, URI.create(server).getPort(), log));
            MlFixtures ml = MlFixtures.write(Files.createDirectories(home.resolve("ml")));
            Path spec = Files.writeString(home.resolve("spec.json"), ml.spec());
            Credentials sponsor = DevAccounts.account(1);
            Credentials alice = DevAccounts.account(2);
            Credentials arbiter = DevAccounts.account(3);
            Credentials bob = DevAccounts.account(4);

            // The sponsor drafts and funds a bounty from the command line: 70/30, every entry qualifies.
            expect(0, cli(sponsor, "login"));
            Run drafted = expect(0, cli(sponsor, "--json", "draft", "--title", "Churn from a script", "--spec",
                    spec.toString(), "--public-sample", ml.publicSample().toString(), "--test-set", ml.testSet().toString()));
            long id = JSON.readTree(drafted.out()).path("id").asLong();
            expect(0, cli(sponsor, "fund", Long.toString(id), "--reward", "1000000000000000000", "--arbiter",
                    arbiter.getAddress(), "--open-for", "PT1H", "--evaluation-window", "PT1H", "--challenge-window",
                    "PT1H", "--shares", "7000,3000", "--bond", "10000000000000000", "--rpc", rpc));
            awaitBounty(app, log, id, b -> "OPEN".equals(b.path("status").asText()));
            hijackedServerCannotTakeTheReward(chain, market, ml, spec, sponsor);

            // A contributor signs in, finds the bounty, downloads its files and checks two models before uploading.
            Run login = expect(0, cli(alice, "login"));
            assertTrue(login.out().contains(alice.getAddress().toLowerCase()), login.all());
            Path tokens = config(alice).resolve("bountymarket").resolve("tokens.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokens)));
            assertTrue(expect(0, cli(alice, "bounties", "--status", "open")).out().contains("Churn from a script"));
            assertTrue(expect(0, cli(alice, "bounty", Long.toString(id))).out().contains("public"));
            Path downloads = home.resolve("alice-download");
            expect(0, cli(alice, "download", Long.toString(id), "--dir", downloads.toString()));
            assertEquals(Files.readString(ml.publicSample()), Files.readString(downloads.resolve("public-sample.csv")));

            Run brokenCheck = expect(1, cli(alice, "check", Long.toString(id), "--model", ml.brokenModel().toString()));
            assertTrue(brokenCheck.out().startsWith("REFUSED"), brokenCheck.all());
            expect(0, cli(alice, "check", Long.toString(id), "--model", ml.goodModel().toString()));
            // The server refuses the broken model with the very message the local check gave.
            Run brokenSubmit = expect(1, cli(alice, "submit", Long.toString(id), "--model", ml.brokenModel().toString(),
                    "--rpc", rpc));
            String serverMessage = brokenSubmit.out().strip().replaceFirst("^REFUSED \\([A-Z_]+\\): ", "");
            assertTrue(brokenCheck.out().strip().endsWith(": " + serverMessage), "local: " + brokenCheck.out()
                    + "\nserver: " + brokenSubmit.out());

            Run submitted = expect(0, cli(alice, "submit", Long.toString(id), "--model", ml.goodModel().toString(),
                    "--rpc", rpc));
            assertTrue(submitted.err().contains("uploading good.onnx"), "a progress bar: " + submitted.err());
            Matcher number = SUBMISSION.matcher(submitted.out());
            assertTrue(number.find(), submitted.all());
            String aliceSubmission = number.group(1);
            expect(0, cli(bob, "login"));
            expect(0, cli(bob, "submit", Long.toString(id), "--model", ml.weakModel().toString(), "--rpc", rpc));
            awaitBounty(app, log, id, b -> b.path("submissionCount").asInt() == 2);

            // Submissions close; the keeper scores, proposes and reveals; the status follows it to a score.
            chain.travel(3601);
            Run status = expect(0, cli(alice, "status", aliceSubmission, "--wait", "--timeout", "600"));
            assertTrue(status.out().contains("private score: "), status.all());
            awaitBounty(app, log, id, b -> b.path("testSetRevealed").asBoolean());
            chain.travel(3601);
            awaitBounty(app, log, id, b -> "FINALIZED".equals(b.path("status").asText()));
            long onchainId = JSON.readTree(get("/api/bounties/" + id)).path("onchainId").asLong();

            // Anyone audits the paid-out bounty against the chain: every entry matches.
            Run audit = expect(0, cli(null, "audit", Long.toString(id), "--rpc", rpc, "--market", market, "--save",
                    home.resolve("audit").toString()));
            assertEquals(2, audit.out().lines().filter(l -> l.startsWith("rank ") && l.contains(" MATCH ")).count(),
                    audit.out());
            assertTrue(audit.out().contains("MATCH: every hash and every re-run agrees with the chain"), audit.out());

            // The same from a folder, offline; then with one artifact tampered at a time.
            Path files = home.resolve("files");
            expect(0, cli(alice, "download", Long.toString(id), "--dir", files.toString()));
            expect(0, cli(null, "audit", Long.toString(onchainId), "--rpc", rpc, "--market", market, "--artifacts",
                    files.toString()));

            Path model = tampered(files, "model");
            Path modelFile;
            try (Stream<Path> models = Files.list(model.resolve("models"))) {
                modelFile = models.findFirst().orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(modelFile);
            bytes[bytes.length / 2] ^= 1;
            Files.write(modelFile, bytes);
            Run badModel = expect(1, cli(null, "audit", Long.toString(onchainId), "--rpc", rpc, "--market", market,
                    "--artifacts", model.toString()));
            assertTrue(badModel.out().lines().anyMatch(l -> l.startsWith("model of submission") && l.contains("MISMATCH")),
                    badModel.out());

            Path row = tampered(files, "row");
            List<String> lines = new ArrayList<>(Files.readAllLines(row.resolve("test-set.csv")));
            String last = lines.get(lines.size() - 1);
            lines.set(lines.size() - 1, last.endsWith("yes") ? last.replaceFirst("yes$", "no") : last.replaceFirst("no$", "yes"));
            Files.write(row.resolve("test-set.csv"), lines);
            Run badRow = expect(1, cli(null, "audit", Long.toString(onchainId), "--rpc", rpc, "--market", market,
                    "--artifacts", row.toString()));
            assertTrue(badRow.out().lines().anyMatch(l -> l.startsWith("test set") && l.contains("MISMATCH")), badRow.out());

            Path document = tampered(files, "document");
            ObjectNode results = (ObjectNode) JSON.readTree(Files.readString(document.resolve("results.json")));
            ((ObjectNode) results.path("entries").get(1)).put("score", results.path("entries").get(1).path("score").asLong() + 1);
            Files.writeString(document.resolve("results.json"), results.toString());
            Run badDocument = expect(1, cli(null, "audit", Long.toString(onchainId), "--rpc", rpc, "--market", market,
                    "--artifacts", document.toString()));
            assertTrue(badDocument.out().lines().anyMatch(l -> l.startsWith("results document") && l.contains("MISMATCH")),
                    badDocument.out());

            // A server that serves another results document, with a reportHash to match it, is caught by the chain.
            HttpServer liar = lyingServer(id);
            try {
                Run lied = expect(1, cli(null, "--server", "http://127.0.0.1:" + liar.getAddress().getPort(), "audit",
                        Long.toString(id), "--rpc", rpc, "--market", market, "--save", home.resolve("lied").toString()));
                assertTrue(lied.out().lines().anyMatch(l -> l.startsWith("results document") && l.contains("MISMATCH")),
                        lied.out());
            } finally {
                liar.stop(0);
            }

            Dispute dispute = disputeOfAConfidentialBounty(app, log, chain, market, ml, spec, sponsor, alice, bob,
                    arbiter);
            overturnFromTheCommandLine(app, log, chain, market, dispute, alice);

            // A token file that other users can read is refused, not used.
            Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-r--r--"));
            Run loose = expect(77, cli(alice, "status"));
            assertTrue(loose.err().contains("refusing the token file"), loose.all());
        } finally {
            ServerProcess.stop(app);
        }
    }

    /**
     * A confidential bounty whose posted ranking is wrong (its evaluator's key, which the test holds as the keeper's,
     * proposes it before the keeper can) is challenged and settled by its arbiter from the command line: only the
     * arbiter, and only during the dispute, may download the test set; the audit names the mismatch and writes the
     * corrected results. The contributors are signed in.
     */
    private Dispute disputeOfAConfidentialBounty(Process app, Path log, ChainDriver chain, String market, MlFixtures ml,
            Path spec, Credentials sponsor, Credentials alice, Credentials bob, Credentials otherArbiter) throws Exception {
        Credentials judge = DevAccounts.account(5);
        Credentials challenger = DevAccounts.account(6);
        Run drafted = expect(0, cli(sponsor, "--json", "draft", "--title", "Confidential churn", "--spec", spec.toString(),
                "--public-sample", ml.publicSample().toString(), "--test-set", ml.testSet().toString()));
        long id = JSON.readTree(drafted.out()).path("id").asLong();
        expect(0, cli(sponsor, "fund", Long.toString(id), "--reward", "1000000000000000000", "--arbiter",
                judge.getAddress(), "--open-for", "PT1H", "--evaluation-window", "PT1H", "--challenge-window", "PT1H",
                "--bond", "10000000000000000", "--reveal", "confidential", "--rpc", rpc));
        awaitBounty(app, log, id, b -> "OPEN".equals(b.path("status").asText()));
        expect(0, cli(alice, "submit", Long.toString(id), "--model", ml.goodModel().toString(), "--rpc", rpc));
        expect(0, cli(bob, "submit", Long.toString(id), "--model", ml.weakModel().toString(), "--rpc", rpc));
        awaitBounty(app, log, id, b -> b.path("submissionCount").asInt() == 2);
        BigInteger onchainId = new BigInteger(JSON.readTree(get("/api/bounties/" + id)).path("onchainId").asText());

        // The weak model ranked first: the evaluator's wrong results are the first block past the deadline.
        chain.advanceClock(3601);
        ChainDriver.send(chain.market(market, DevAccounts.account(TestChain.KEEPER)).proposeResults(onchainId, List.of(
                new BountyMarket.ResultEntry(BigInteger.ONE, bob.getAddress(), sha256(ml.weakModel()),
                        BigInteger.valueOf(990_000)),
                new BountyMarket.ResultEntry(BigInteger.ZERO, alice.getAddress(), sha256(ml.goodModel()),
                        BigInteger.valueOf(10_000))), ChainDriver.sha256("a wrong report")));
        awaitBounty(app, log, id, b -> "PROPOSED".equals(b.path("status").asText()));
        expect(0, cli(judge, "login"));
        expect(0, cli(otherArbiter, "login"));
        String testSet = "/api/bounties/" + id + "/test-set";
        assertRefused(judge, testSet, "not disputed");

        ChainDriver.send(chain.market(market, challenger).challenge(onchainId, BigInteger.TEN.pow(16)));
        awaitBounty(app, log, id, b -> "DISPUTED".equals(b.path("status").asText()));
        // Nobody but this bounty's arbiter: not its sponsor, not a contributor, not another bounty's arbiter, nor anyone
        // signed out; and not the salt either.
        assertRefused(sponsor, testSet, "only its arbiter");
        assertRefused(alice, testSet, "only its arbiter");
        assertRefused(otherArbiter, testSet, "only its arbiter");
        assertRefused(null, testSet, "not signed in");
        assertRefused(alice, testSet + "/salt", "only its arbiter");
        assertEquals(Files.readString(ml.testSet()), as(judge, testSet).body());

        // The arbiter's audit gets the test set, its salt and the models with its token, and names the mismatch.
        Path desk = home.resolve("arbiter-" + id);
        Run audit = expect(1, cli(judge, "audit", Long.toString(id), "--rpc", rpc, "--market", market, "--save",
                desk.toString()));
        assertTrue(audit.out().lines().anyMatch(l -> l.startsWith("test set") && l.contains(" MATCH ")
                && l.contains("salt handed over")), audit.out());
        assertTrue(audit.out().lines().anyMatch(l -> l.startsWith("rank 0") && l.contains("MISMATCH")
                && l.contains("990000 posted")), audit.out());
        Path corrected = desk.resolve("corrected-results.json");
        assertTrue(audit.out().contains("Corrected results written to " + corrected), audit.out());
        JsonNode document = JSON.readTree(Files.readString(corrected));
        assertEquals(alice.getAddress().toLowerCase(), document.path("entries").get(0).path("contributor").asText(),
                "the good model wins the corrected ranking: " + document);
        String page = get("/bounties/" + id);
        assertTrue(page.contains("Test set handed to the arbiter"), "the download is on the bounty's timeline");
        return new Dispute(id, onchainId, desk, corrected, judge, challenger);
    }

    /** A confidential bounty in dispute over a wrong ranking, and the corrected results its arbiter's audit wrote. */
    record Dispute(long id, BigInteger onchainId, Path desk, Path corrected, Credentials arbiter,
            Credentials challenger) {
    }

    /** The arbiter overturns with {@code bountymarket overturn}; the keeper pays the corrected winner. */
    private void overturnFromTheCommandLine(Process app, Path log, ChainDriver chain, String market, Dispute dispute,
            Credentials alice) throws Exception {
        long id = dispute.id();
        Path corrected = dispute.corrected();
        Credentials judge = dispute.arbiter();
        // Another account cannot overturn; the arbiter does, and the keeper pays the corrected winner.
        Run notArbiter = expect(2, cli(alice, "overturn", Long.toString(id), "--results", corrected.toString(), "--rpc",
                rpc));
        assertTrue(notArbiter.err().contains("Only the arbiter"), notArbiter.all());
        BigInteger aliceBefore = chain.balance(alice.getAddress());
        Run overturned = expect(0, cli(judge, "overturn", Long.toString(id), "--results", corrected.toString(), "--rpc",
                rpc));
        assertTrue(overturned.out().contains(Hashes.keccak256(Files.readAllBytes(corrected))), overturned.all());
        paidAsCorrected(app, log, chain, dispute, alice, aliceBefore);

        // The arbiter's files, with the results now in force, audit offline: every entry matches the chain.
        Path desk = dispute.desk();
        Files.copy(corrected, desk.resolve("results.json"), StandardCopyOption.REPLACE_EXISTING);
        Run offline = expect(0, cli(null, "audit", dispute.onchainId().toString(), "--rpc", rpc, "--market", market,
                "--artifacts", desk.toString()));
        assertEquals(2, offline.out().lines().filter(l -> l.startsWith("rank ") && l.contains(" MATCH ")).count(),
                offline.out());
    }

    /** The overturned results are in force, served as the bounty's results, and the keeper paid the corrected winner. */
    private void paidAsCorrected(Process app, Path log, ChainDriver chain, Dispute dispute, Credentials winner,
            BigInteger winnerBefore) throws Exception {
        String reportHash = Hashes.keccak256(Files.readAllBytes(dispute.corrected()));
        awaitBounty(app, log, dispute.id(), b -> "FINALIZED".equals(b.path("status").asText()));
        assertEquals(reportHash, JSON.readTree(get("/api/bounties/" + dispute.id())).path("reportHash").asText());
        assertEquals(Files.readString(dispute.corrected()), get("/api/bounties/" + dispute.id() + "/results"),
                "the corrected document is the bounty's results");
        assertTrue(chain.balance(winner.getAddress()).subtract(winnerBefore).compareTo(BigInteger.TEN.pow(17)
                .multiply(BigInteger.valueOf(9))) > 0, "the corrected winner is paid the prize");
    }

    /**
     * The same dispute settled at the arbiter's desk in a real browser (frontend-templates/browser-tests/dispute.mjs):
     * the arbiter downloads the test set, the challenger reads what happens next, the arbiter overturns from the
     * wallet with the document the audit wrote, and the corrected winner is paid.
     */
    @Test
    void arbitersDeskSettlesAConfidentialDisputeInABrowser() throws Exception {
        Path log = home.resolve("server.log");
        Process app = startServer(log);
        try (ChainDriver chain = new ChainDriver(rpc)) {
            String market = ServerProcess.contract(ServerProcess.awaitReady(app, URI.create(server).getPort(), log));
            MlFixtures ml = MlFixtures.write(Files.createDirectories(home.resolve("ml")));
            Path spec = Files.writeString(home.resolve("spec.json"), ml.spec());
            Credentials sponsor = DevAccounts.account(1);
            Credentials alice = DevAccounts.account(2);
            Credentials bob = DevAccounts.account(4);
            for (Credentials who : List.of(sponsor, alice, bob)) {
                expect(0, cli(who, "login"));
            }
            Dispute dispute = disputeOfAConfidentialBounty(app, log, chain, market, ml, spec, sponsor, alice, bob,
                    DevAccounts.account(3));
            BigInteger aliceBefore = chain.balance(alice.getAddress());
            Path screenshots = Files.createDirectories(Path.of("target", "screenshots").toAbsolutePath());
            BrowserScripts.run("dispute.mjs", Map.of("BASE_URL", server, "RPC_URL", rpc, "SCREENSHOTS", screenshots.toString(),
                    "BOUNTY_ID", Long.toString(dispute.id()), "ARBITER", dispute.arbiter().getAddress(),
                    "CHALLENGER", dispute.challenger().getAddress(), "CONTRIBUTOR", alice.getAddress(),
                    "TEST_SET", ml.testSet().toString(), "CORRECTED_RESULTS", dispute.corrected().toString()), log);
            paidAsCorrected(app, log, chain, dispute, alice, aliceBefore);
        } finally {
            ServerProcess.stop(app);
        }
    }

    private void assertRefused(Credentials who, String path, String why) throws Exception {
        HttpResponse<String> answer = as(who, path);
        assertEquals(403, answer.statusCode(), path + " as " + (who == null ? "nobody" : who.getAddress()) + ": "
                + answer.body());
        assertTrue(answer.body().contains(why), answer.body());
    }

    /** GET {@code path} with {@code who}'s stored API token (signed out: none). */
    private HttpResponse<String> as(Credentials who, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path));
        if (who != null) {
            JsonNode tokens = JSON.readTree(config(who).resolve("bountymarket").resolve("tokens.json").toFile());
            request.header("Authorization", "Bearer " + tokens.path(server).path("token").asText());
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] sha256(Path file) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    /** A copy of the downloaded folder, to spoil one file in. */
    private Path tampered(Path files, String name) throws IOException {
        Path copy = home.resolve("tampered-" + name);
        try (Stream<Path> all = Files.walk(files)) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(files.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return copy;
    }

    /**
     * The server the sponsor logged in to turns hostile and points createBounty at its own address, with the reward as
     * the value: the command refuses, naming both addresses, and the key sends nothing (its nonce stays put). The same
     * with the market given by hand, and with a sign-in recorded before markets were pinned.
     */
    private void hijackedServerCannotTakeTheReward(ChainDriver chain, String market, MlFixtures ml, Path spec,
            Credentials sponsor) throws Exception {
        String thief = DevAccounts.account(7).getAddress().toLowerCase();
        Run drafted = expect(0, cli(sponsor, "--json", "draft", "--title", "Hijacked", "--spec", spec.toString(),
                "--public-sample", ml.publicSample().toString(), "--test-set", ml.testSet().toString()));
        long id = JSON.readTree(drafted.out()).path("id").asLong();
        HttpServer hijacked = hijackingServer(thief);
        String hijackedUrl = "http://127.0.0.1:" + hijacked.getAddress().getPort();
        // The sign-in the sponsor made at the real server, now answered by the hostile one.
        Path tokens = config(sponsor).resolve("bountymarket").resolve("tokens.json");
        ObjectNode all = (ObjectNode) JSON.readTree(tokens.toFile());
        all.set(hijackedUrl, all.path(server).deepCopy());
        Files.writeString(tokens, all.toString());
        BigInteger nonce = pendingNonce(chain, sponsor);
        BigInteger thiefBefore = chain.balance(thief);
        try {
            String[] fund = {"--server", hijackedUrl, "fund", Long.toString(id), "--reward", "1000000000000000000",
                    "--arbiter", DevAccounts.account(3).getAddress(), "--rpc", rpc};
            Run refused = expect(2, cli(sponsor, fund));
            assertTrue(refused.err().contains("refusing to sign") && refused.err().contains(thief)
                    && refused.err().contains(market.toLowerCase()), refused.all());
            List<String> pinned = new ArrayList<>(List.of(fund));
            pinned.addAll(List.of("--market", market));
            expect(2, cli(sponsor, pinned.toArray(String[]::new)));

            ((ObjectNode) all.path(hijackedUrl)).remove("market");
            Files.writeString(tokens, all.toString());
            Run old = expect(77, cli(sponsor, fund));
            assertTrue(old.err().contains("bountymarket login --server " + hijackedUrl + " again"), old.all());
        } finally {
            hijacked.stop(0);
        }
        assertEquals(nonce, pendingNonce(chain, sponsor), "the sponsor's key sent nothing");
        assertEquals(thiefBefore, chain.balance(thief));
    }

    private static BigInteger pendingNonce(ChainDriver chain, Credentials who) throws IOException {
        return chain.web3j.ethGetTransactionCount(who.getAddress(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount();
    }

    /** Forwards to the real server, but addresses every transaction it prepares to {@code thief}. */
    private HttpServer hijackingServer(String thief) throws IOException {
        HttpServer hijacked = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient http = HttpClient.newHttpClient();
        hijacked.createContext("/", exchange -> {
            try {
                String path = exchange.getRequestURI().toString();
                HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(server + path)).method(
                        exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(
                                exchange.getRequestBody().readAllBytes()));
                for (String header : List.of("Authorization", "Content-Type", "Accept")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        forward.header(header, value);
                    }
                }
                HttpResponse<byte[]> real = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = real.body();
                if (path.contains("/transactions/") && real.statusCode() == 200) {
                    ObjectNode tx = (ObjectNode) JSON.readTree(body);
                    tx.put("to", thief);
                    body = JSON.writeValueAsBytes(tx);
                }
                exchange.getResponseHeaders().add("Content-Type", real.headers().firstValue("Content-Type")
                        .orElse("application/octet-stream"));
                exchange.sendResponseHeaders(real.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            }
        });
        hijacked.start();
        return hijacked;
    }

    /**
     * Forwards to the real server, but serves a results document with the runner-up's score raised by one, and a
     * bounty whose reportHash is that document's hash: all consistent, except with the chain.
     */
    private HttpServer lyingServer(long id) throws IOException {
        HttpServer liar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpClient http = HttpClient.newHttpClient();
        liar.createContext("/", exchange -> {
            try {
                String path = exchange.getRequestURI().toString();
                HttpResponse<byte[]> real = http.send(HttpRequest.newBuilder(URI.create(server + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = real.body();
                if (path.equals("/api/bounties/" + id + "/results")) {
                    body = forgedResults(body);
                } else if (path.equals("/api/bounties/" + id)) {
                    ObjectNode bounty = (ObjectNode) JSON.readTree(body);
                    String forged = Hashes.keccak256(forgedResults(get("/api/bounties/" + id + "/results")
                            .getBytes(StandardCharsets.UTF_8)));
                    bounty.put("reportHash", forged);
                    body = JSON.writeValueAsBytes(bounty);
                }
                exchange.getResponseHeaders().add("Content-Type", real.headers().firstValue("Content-Type")
                        .orElse("application/octet-stream"));
                exchange.sendResponseHeaders(real.statusCode(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            }
        });
        liar.start();
        return liar;
    }

    private static byte[] forgedResults(byte[] real) throws IOException {
        ObjectNode results = (ObjectNode) com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .nodeFactory(CanonicalJson.NODES).build().readTree(real);
        ObjectNode second = (ObjectNode) results.path("entries").get(1);
        second.put("score", second.path("score").asLong() + 1);
        return CanonicalJson.bytes(results);
    }

    private Run expect(int exit, Run run) {
        if (run.exit() != exit) {
            fail("expected exit " + exit + ", got " + run.exit() + "\nstdout:\n" + run.out() + "\nstderr:\n" + run.err());
        }
        return run;
    }

    private Path config(Credentials who) {
        return home.resolve("config-" + (who == null ? "anyone" : who.getAddress().toLowerCase()));
    }

    /** Runs bin/bountymarket's jar as its own process, as {@code who} (their key in the environment), in {@link #home}. */
    private Run cli(Credentials who, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("cli.jar", "../cli/target/bountymarket.jar")).toAbsolutePath()
                        .toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.remove("BOUNTYMARKET_PRIVATE_KEY");
        env.put("BOUNTYMARKET_SERVER", server);
        env.put("XDG_CONFIG_HOME", config(who).toString());
        if (who != null) {
            env.put("BOUNTYMARKET_PRIVATE_KEY", who.getEcKeyPair().getPrivateKey().toString(16));
        }
        Path out = Files.createTempFile(home, "cli-", ".out");
        Path err = Files.createTempFile(home, "cli-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("bountymarket " + String.join(" ", args) + " ran for 15 minutes:\n" + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitBounty(Process app, Path log, long id, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        String last = "";
        while (System.nanoTime() < deadline && app.isAlive()) {
            last = get("/api/bounties/" + id);
            if (done.test(JSON.readTree(last))) {
                return;
            }
            Thread.sleep(500);
        }
        fail("bounty " + id + " never got there; last: " + last + "\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }

}
