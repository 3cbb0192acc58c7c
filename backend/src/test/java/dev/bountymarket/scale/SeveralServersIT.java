package dev.bountymarket.scale;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.S3Proxy;
import dev.bountymarket.testing.ServerProcess;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The deployment of docs/architecture.md ("Several servers") for real: two packaged servers (web and leader roles)
 * and one evaluation worker (worker role only) against one PostgreSQL, one S3 API server (s3proxy) and one anvil. A
 * bounty goes from its draft to its payout with every request sent to the two servers in turn; when the keeper has
 * recorded its first step, the server holding the keeper is killed with SIGKILL. The other must take the keeper over
 * within the lease's bound and finish the bounty: every committed submission scored once (by the worker), every keeper
 * step recorded once and mined once, and nothing else sent from the keeper's account.
 */
class SeveralServersIT {

    private static final Duration LEASE = Duration.ofSeconds(6);
    /** Failover: the lease runs out, then the standby's next renewal (every third of the lease) takes it. */
    private static final Duration TAKEOVER_BOUND = LEASE.plus(LEASE.dividedBy(3)).plusSeconds(3);
    private static final BigInteger REWARD = BigInteger.TEN.pow(18);

    private final TestDatabase database = new TestDatabase();
    private final TestChain chain = new TestChain();
    private S3Proxy s3;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> common = new HashMap<>();
    private Path dir;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "several-servers").toAbsolutePath();
        common.putAll(database.start());
        common.putAll(chain.start());
        s3 = S3Proxy.start(dir);
        try (var admin = s3.client()) {
            admin.createBucket(b -> b.bucket("market"));
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        common.putAll(Map.of(
                "storage.kind", "s3",
                "storage.s3.bucket", "market",
                "storage.s3.endpoint", s3.endpoint().toString(),
                "storage.s3.path-style", "true",
                "storage.s3.access-key-id", S3Proxy.ACCESS_KEY,
                "storage.s3.secret-access-key", S3Proxy.SECRET_KEY,
                "storage.encryption-key", Base64.getEncoder().encodeToString(key),
                "leadership.lease", LEASE.toSeconds() + "s"));
        common.putAll(Map.of(
                "indexer.interval", "1s",
                "keeper.interval", "1s",
                "evaluator.heap-mib", "768",
                "evaluator.poll-interval", "500ms",
                "evaluator.concurrency", "1"));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            if (process.isAlive()) {
                ServerProcess.stop(process);
            }
        }
        if (s3 != null) {
            s3.close();
        }
        chain.stop();
        database.stop();
    }

    private record Node(String name, Process process, int port, Path log) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    private Node launch(String name, String roles, int workers) throws Exception {
        int port = TestChain.freePort();
        Map<String, String> settings = new HashMap<>(common);
        settings.put("quarkus.http.port", Integer.toString(port));
        settings.put("process.roles", roles);
        settings.put("evaluator.workers", Integer.toString(workers));
        Path log = dir.resolve(name + ".log");
        Process process = ServerProcess.start(settings, List.of("-Xmx384m"), log);
        processes.add(process);
        ServerProcess.awaitReady(process, port, log, Duration.ofSeconds(180));
        return new Node(name, process, port, log);
    }

    @Test
    void aBountyIsPaidOutThroughTwoServersWhileTheKeepersServerIsKilled() throws Exception {
        Node a = launch("server-a", "web,leader", 0);
        Node b = launch("server-b", "web,leader", 0);
        Node worker = launch("worker", "worker", 1);
        MlFixtures files = MlFixtures.write(Files.createDirectories(dir.resolve("ml")));
        Credentials sponsor = DevAccounts.account(1);
        Credentials alice = DevAccounts.account(4);
        Credentials carol = DevAccounts.account(6);

        // The worker serves no page and no API, only its health; its readiness names its roles.
        given().baseUri(worker.url()).get("/api/bounties").then().statusCode(404).body("code",
                org.hamcrest.Matchers.equalTo("NOT_SERVED_HERE"));
        try (Socket socket = new Socket("127.0.0.1", worker.port())) {
            // Nor behind a path that only starts like the health check's.
            socket.getOutputStream().write("GET /q/health/../../api/bounties HTTP/1.1\r\nHost: worker\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 4") && !answer.contains("\"items\""), answer);
        }
        JsonPath workerReady = given().baseUri(worker.url()).get("/q/health/ready").then().statusCode(200).extract()
                .jsonPath();
        assertEquals("worker", processData(workerReady, "roles"));
        assertEquals("none", processData(workerReady, "leads"));

        // Sessions live in the database: a token from one server works on the other.
        String sponsorToken = token(a, sponsor);
        String aliceToken = token(b, alice);
        String carolToken = token(a, carol);

        String market;
        try (ChainDriver driver = new ChainDriver(common.get("chain.rpc-url"))) {
            // Drafted on A (files to the bucket), funded through B.
            long id = given().baseUri(a.url()).auth().oauth2(sponsorToken)
                    .multiPart("title", "Churn, two servers").multiPart("description", "Who leaves next month?")
                    .multiPart("spec", files.spec())
                    .multiPart("publicSample", files.publicSample().toFile())
                    .multiPart("testSet", files.testSet().toFile())
                    .multiPart("testSetSha256", sha256(files.testSet()))
                    .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
            long now = driver.latestTimestamp();
            JsonPath create = given().baseUri(b.url()).auth().oauth2(sponsorToken).contentType(ContentType.JSON)
                    .body(Map.of("token", "ETH", "amount", REWARD.toString(), "threshold", 800_000,
                            "shares", List.of(7000, 3000), "submissionDeadline", now + 3600,
                            "evaluationDeadline", now + 4 * 3600, "challengeWindowSeconds", 3600,
                            "arbiter", DevAccounts.account(3).getAddress(), "challengeBond", "1"))
                    .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().jsonPath();
            market = create.getString("to");
            Wallet.send(driver.web3j, sponsor, create);
            await("the bounty open on both servers", Duration.ofSeconds(60),
                    () -> "OPEN".equals(status(a, id)) && "OPEN".equals(status(b, id)));

            // Alice uploads on B and commits through A; Carol the other way round.
            long aliceSubmission = uploadAndCommit(driver, b, a, id, alice, aliceToken, files.goodModel());
            long carolSubmission = uploadAndCommit(driver, a, b, id, carol, carolToken, files.weakModel());
            await("both commitments indexed", Duration.ofSeconds(60),
                    () -> count("select count(*) from submission where bounty_id = ? and chain_index is not null", id) == 2);

            // The deadline passes: the keeper queues the private evaluations, the worker runs them, the keeper proposes.
            driver.travel(3601);
            await("the keeper's first step recorded", Duration.ofSeconds(300),
                    () -> count("select count(*) from keeper_transaction where bounty_id = ?", id) > 0);

            // Kill the keeper's server now, its step recorded and perhaps in flight.
            Lease before = lease("keeper");
            Node keeperNode = List.of(a, b).stream().filter(n -> before.holder().contains("/" + n.process().pid() + "/"))
                    .findFirst().orElseThrow(() -> new AssertionError("no server holds the keeper: " + before));
            Node survivor = keeperNode == a ? b : a;
            long killedAt = System.nanoTime();
            keeperNode.process().destroyForcibly();
            keeperNode.process().waitFor();
            await("the keeper taken over", TAKEOVER_BOUND.plusSeconds(30), () -> {
                Lease now2 = lease("keeper");
                return now2.term() > before.term() && !now2.holder().equals(before.holder());
            });
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("keeper taken over %d ms after the SIGKILL (bound %d ms)%n", takeover.toMillis(),
                    TAKEOVER_BOUND.toMillis());
            assertTrue(takeover.compareTo(TAKEOVER_BOUND) <= 0,
                    "the keeper was taken over after " + takeover.toMillis() + " ms, bound " + TAKEOVER_BOUND.toMillis());
            assertTrue(lease("keeper").holder().contains("/" + survivor.process().pid() + "/"));
            await("the survivor's readiness names the keeper", Duration.ofSeconds(10), () -> processData(
                    given().baseUri(survivor.url()).get("/q/health/ready").then().extract().jsonPath(), "leads")
                    .contains("keeper"));

            // The survivor finishes the bounty: proposed, revealed, and after the challenge window, paid out.
            await("results proposed and the test set revealed", Duration.ofSeconds(120),
                    () -> count("select count(*) from chain_event where name = 'TestSetRevealed'", null) == 1);
            driver.travel(3601);
            await("the bounty paid out", Duration.ofSeconds(120), () -> "FINALIZED".equals(status(survivor, id)));

            // Every committed submission scored once, privately, by the worker (the servers run no worker).
            for (long submission : List.of(aliceSubmission, carolSubmission)) {
                assertEquals(1, count("select count(*) from evaluation_job where submission_id = ? and status = 'DONE'"
                        + " and kind = 'PRIVATE'", submission), "one private score of submission " + submission);
                assertEquals(1, count("select count(*) from submission where id = ? and private_score is not null",
                        submission), "submission " + submission + " has its private score");
            }
            assertEquals(2, count("select count(*) from evaluation_job j join submission s on s.id = j.submission_id"
                    + " where s.bounty_id = ? and j.kind = 'PRIVATE'", id), "two private jobs, no more");
            assertTrue(Files.readString(worker.log()).contains("worker(s) on the queue"));
            JsonPath results = given().baseUri(survivor.url()).get("/api/bounties/" + id + "/results").then()
                    .statusCode(200).extract().jsonPath();
            assertEquals(List.of(alice.getAddress(), carol.getAddress()), results.getList("entries.contributor"));

            // Every keeper step recorded once and mined once; the keeper's account sent nothing else. The bounty shows
            // paid out once the indexer reads it; the keeper marks its step confirmed at its next round.
            await("the keeper's steps settled", Duration.ofSeconds(60), () -> count("select count(*) from keeper_transaction"
                    + " where bounty_id = ? and status in ('PREPARED', 'SENT', 'REFUSED')", id) == 0);
            List<String> steps = rows("select action || ' ' || status from keeper_transaction where bounty_id = ?"
                    + " order by nonce", id);
            assertEquals(List.of("PROPOSE_RESULTS CONFIRMED", "REVEAL_TEST_SET CONFIRMED", "FINALIZE CONFIRMED"), steps);
            assertEquals(steps.size(), driver.minedNonce(DevAccounts.account(TestChain.KEEPER).getAddress()),
                    "the keeper's account sent exactly its recorded steps");
            for (String event : List.of("ResultsProposed", "TestSetRevealed", "BountyFinalized")) {
                assertEquals(1, count("select count(*) from chain_event where name = '" + event + "'", null), event);
            }
            assertNotEquals(0, count("select count(*) from payout p join bounty b on b.id = p.bounty_id"
                    + " where b.id = ? and p.kind = 'Prize'", id), "Alice was paid");
        }
        System.out.println("contract " + market);
    }

    private long uploadAndCommit(ChainDriver driver, Node uploadTo, Node commitThrough, long bountyId, Credentials who,
            String token, Path model) {
        JsonPath uploaded = given().baseUri(uploadTo.url()).auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bountyId + "/submissions").then().statusCode(201).extract().jsonPath();
        assertTrue(uploaded.getBoolean("validation.ok"), () -> "validation: " + uploaded.prettify());
        long id = uploaded.getLong("id");
        JsonPath tx = given().baseUri(commitThrough.url()).auth().oauth2(token)
                .post("/api/submissions/" + id + "/transactions/submit").then().statusCode(200).extract().jsonPath();
        Wallet.send(driver.web3j, who, tx);
        return id;
    }

    private static String token(Node node, Credentials who) {
        String before = RestAssured.baseURI;
        int port = RestAssured.port;
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = node.port();
        try {
            return Wallet.apiToken(who);
        } finally {
            RestAssured.baseURI = before;
            RestAssured.port = port;
        }
    }

    /** A datum of readiness's {@code process} check. */
    private static String processData(JsonPath ready, String key) {
        return ready.getString("checks.find { it.name == 'process' }.data." + key);
    }

    private static String status(Node node, long id) {
        return given().baseUri(node.url()).get("/api/bounties/" + id).then().extract().path("status");
    }

    private record Lease(String holder, long term) {
    }

    private Lease lease(String role) {
        try (Connection db = db(); PreparedStatement query = db.prepareStatement(
                "select holder, term from leader_lease where role = ?")) {
            query.setString(1, role);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new Lease(row.getString(1), row.getLong(2)) : new Lease("", 0);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private long count(String sql, Long parameter) {
        try (Connection db = db(); PreparedStatement query = db.prepareStatement(sql)) {
            if (parameter != null) {
                query.setLong(1, parameter);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> rows(String sql, long parameter) throws SQLException {
        try (Connection db = db(); PreparedStatement query = db.prepareStatement(sql)) {
            query.setLong(1, parameter);
            List<String> rows = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(row.getString(1));
                }
            }
            return rows;
        }
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(common.get("quarkus.datasource.jdbc.url"),
                common.get("quarkus.datasource.username"), common.get("quarkus.datasource.password"));
    }

    private void await(String what, Duration limit, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            boolean ok;
            try {
                ok = done.getAsBoolean();
            } catch (RuntimeException notYet) {
                ok = false;
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (String name : List.of("server-a", "server-b", "worker")) {
                    Path log = dir.resolve(name + ".log");
                    if (Files.exists(log)) {
                        List<String> lines = Files.readAllLines(log);
                        logs.append("\n--- ").append(name).append(" (last 40 lines)\n")
                                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                    }
                }
                throw new AssertionError("not within " + limit.toSeconds() + " s: " + what + logs);
            }
            Thread.sleep(100);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
