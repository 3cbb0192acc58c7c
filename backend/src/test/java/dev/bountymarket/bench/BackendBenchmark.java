package dev.bountymarket.bench;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.S3Proxy;
import dev.bountymarket.testing.ServerProcess;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/**
 * The backend's speed, as a program that prints figures (not a test). It starts the packaged server
 * (target/quarkus-app) against a fresh database and anvil, posts one bounty through the API and the chain, bulk-loads
 * bounties and submissions straight into the schema, then measures:
 * <ol>
 * <li>the reads, over {@code connections} connections, each beside a trivial endpoint of the same server in the same
 * run (GET /q/health/live, the anchor of the ratios): GET /api/bounties (the list, first page), GET
 * /api/bounties/{id}/leaderboard (a random page of 50 of a board of {@code board} entries), the browse page and the
 * bounty's leaderboard fragment; each saturated, then paced at {@code paced-share} (0.7) of its own saturated rate
 * (p99); then the database's own time (EXPLAIN ANALYZE) for the queries those pages run when not cached;</li>
 * <li>uploading a {@code upload-mib} MiB model, and the server's live heap (after a full GC) meanwhile;</li>
 * <li>the indexer: {@code events} submit transactions put on the chain, and the time until the server has stored
 * and applied them all.</li>
 * </ol>
 * Arguments: a work folder, then any of {@code bounties=10000 submissions=1000000 board=100000 events=10000
 * upload-mib=1024 connections=64 paced-share=0.7 rate=1000 seconds=15 warm-up=10 server-heap=1g servers=1
 * storage=local}, and server
 * settings (a name with a dot, e.g. {@code leaderboard.refresh=0s}). With {@code servers=2} two identical servers
 * share the database: the reads load both at once (half the connections each, one row per server, paced at {@code rate}
 * in all), the upload goes
 * to the second (its heap is measured). With {@code storage=s3} the servers keep files in a bucket of s3proxy (on disk,
 * in the work folder) instead of a folder. Run with -Danvil.path (see docs/performance.md).
 */
public final class BackendBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Credentials SPONSOR = DevAccounts.account(1);
    private static final Credentials CONTRIBUTOR = DevAccounts.account(2);
    private static final int CONFIRMATIONS = 40;
    /** Submit transactions sent between two rounds of mining (anvil lost some of 10,000 left pending at once). */
    private static final int SEND_BATCH = 1000;

    private final Map<String, String> options;
    private final Path work;
    private String baseUrl;
    private String rpcUrl;
    private String jdbcUrl;
    private Process server;
    /** Every server started, the first ({@link #server}) included, and their addresses. */
    private final List<Process> servers = new ArrayList<>();
    private final List<String> baseUrls = new ArrayList<>();
    private S3Proxy s3;
    private final List<Path> scratch = new ArrayList<>();

    private BackendBenchmark(Path work, Map<String, String> options) {
        this.work = work;
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BackendBenchmark <work folder> [bounties=10000] [submissions=1000000] [board=100000]"
                    + " [events=10000] [upload-mib=1024] [connections=64] [paced-share=0.7] [rate=1000] [seconds=15] [warm-up=10]"
                    + " [server-heap=1g] [servers=1] [storage=local|s3]");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            options.put(pair[0], pair[1]);
        }
        Path work = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(work);
        new BackendBenchmark(work, options).run();
        System.exit(0);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private void run() throws Exception {
        TestDatabase database = new TestDatabase();
        TestChain chain = new TestChain();
        try {
            Map<String, String> settings = new HashMap<>(database.start());
            settings.putAll(chain.start());
            jdbcUrl = settings.get("quarkus.datasource.jdbc.url");
            rpcUrl = settings.get("chain.rpc-url");
            if ("s3".equals(options.get("storage"))) {
                useS3(settings);
            }
            String market = startServer(settings);
            for (int i = 1; i < option("servers", 1); i++) {
                startServer(settings);
            }
            System.out.printf(Locale.ROOT, "machine: %d processors, Java %s, %s; load average at start %.2f%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    System.getProperty("os.name"), loadAverage());
            System.out.printf("deployment: %d server(s), storage %s%n", servers.size(),
                    options.getOrDefault("storage", "local"));

            String sponsorToken = apiToken(SPONSOR);
            String contributorToken = apiToken(CONTRIBUTOR);
            long bountyId = postBounty(market, sponsorToken);
            long boardBounty = bulkLoad(bountyId);

            measureReads(boardBounty);
            measureUpload(bountyId, contributorToken);
            measureIndexer(market, bountyId);
        } finally {
            stopServer();
            if (s3 != null) {
                s3.close();
            }
            chain.stop();
            database.stop();
            // What the server stored (the uploaded models) and the fixtures; the model file is kept for the next run.
            for (Path scratch : scratch) {
                deleteTree(scratch);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    // ---- the server ----

    /** Files in a bucket of s3proxy, kept on disk in the work folder; the same key in every server. */
    private void useS3(Map<String, String> settings) throws IOException {
        Path disk = Files.createTempDirectory(work, "s3");
        scratch.add(disk);
        s3 = S3Proxy.start(work, disk);
        try (var admin = s3.client()) {
            admin.createBucket(b -> b.bucket("bench"));
        }
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        settings.putAll(Map.of("storage.kind", "s3", "storage.s3.bucket", "bench",
                "storage.s3.endpoint", s3.endpoint().toString(), "storage.s3.path-style", "true",
                "storage.s3.access-key-id", S3Proxy.ACCESS_KEY, "storage.s3.secret-access-key", S3Proxy.SECRET_KEY,
                "storage.encryption-key", java.util.Base64.getEncoder().encodeToString(key)));
    }

    /** Starts a server (the first sets {@link #server} and {@link #baseUrl}); returns the contract's address. */
    private String startServer(Map<String, String> shared) throws Exception {
        Map<String, String> settings = new HashMap<>(shared);
        int port = TestChain.freePort();
        settings.put("quarkus.http.port", Integer.toString(port));
        // The load generator is many users from one address: far over what one client may ask of a real server.
        settings.put("rate-limit.enabled", "false");
        settings.put("indexer.interval", "100ms");
        // The indexer sees a block only CONFIRMATIONS blocks later, so the indexer benchmark can put all its
        // transactions on the chain first and then release them at once (anvil_mine).
        settings.put("chain.confirmations", Integer.toString(CONFIRMATIONS));
        settings.put("keeper.enabled", "false");
        settings.put("evaluator.workers", "0");
        if (!shared.containsKey("storage.directory")) {
            // One folder for every server (with storage=s3 it holds nothing but what the bucket does not).
            Path storage = Files.createTempDirectory(work, "storage");
            scratch.add(storage);
            shared.put("storage.directory", storage.toString());
        }
        settings.put("storage.directory", shared.get("storage.directory"));
        settings.put("quarkus.log.category.\"dev.bountymarket\".level", "WARN");
        // An argument with a dot in its name is a server setting, e.g. leaderboard.refresh=0s.
        options.forEach((key, value) -> {
            if (key.contains(".")) {
                settings.put(key, value);
            }
        });
        Path log = work.resolve(servers.isEmpty() ? "server.log" : "server-" + (servers.size() + 1) + ".log");
        Process started = ServerProcess.start(settings, List.of("-Xmx" + options.getOrDefault("server-heap", "1g")), log);
        servers.add(started);
        String url = "http://localhost:" + port;
        baseUrls.add(url);
        if (server == null) {
            server = started;
            baseUrl = url;
        }
        String contract = ServerProcess.contract(ServerProcess.awaitReady(started, port, log, Duration.ofSeconds(180)));
        System.out.printf("server: pid %d, %s, heap %s, log %s%n", started.pid(), url,
                options.getOrDefault("server-heap", "1g"), log);
        return contract;
    }

    private void stopServer() throws InterruptedException {
        for (Process started : servers) {
            ServerProcess.stop(started);
        }
    }

    /** The server an upload goes to, and whose heap is measured: the last one started. */
    private Process uploadServer() {
        return servers.get(servers.size() - 1);
    }

    // ---- setting up: a real bounty, then bulk rows ----

    /** Signs in with Ethereum through the API and makes an API token, as a script would. */
    private String apiToken(Credentials account) throws Exception {
        String message = post("/api/auth/message", Map.of("address", account.getAddress()), null).get("message").asText();
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/auth/sign-in"))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("message", message, "signature", Wallet.sign(message, account))))), 200);
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("bm_session="))
                .findFirst().orElseThrow().split(";", 2)[0];
        String csrf = JSON.readTree(signedIn.body()).get("csrfToken").asText();
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/auth/tokens"))
                .header("Content-Type", "application/json").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .POST(BodyPublishers.ofString("{\"name\":\"benchmark\"}")), 201);
        return JSON.readTree(token.body()).get("token").asText();
    }

    /** Drafts a bounty through the API, funds it on-chain and waits for the indexer to open it. */
    private long postBounty(String market, String token) throws Exception {
        Path fixtures = Files.createTempDirectory(work, "fixtures");
        scratch.add(fixtures);
        MlFixtures files = MlFixtures.write(fixtures);
        Multipart form = new Multipart().field("title", "Benchmark: churn prediction")
                .field("description", "The bounty the benchmark uploads to and submits to.").field("spec", files.spec())
                .file("publicSample", files.publicSample()).file("testSet", files.testSet());
        long id = JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/drafts"))
                .header("Authorization", "Bearer " + token).header("Content-Type", form.contentType())
                .POST(form.body()), 201).body()).get("id").asLong();
        long now;
        try (ChainDriver driver = new ChainDriver(rpcUrl)) {
            now = driver.latestTimestamp();
            JsonNode tx = post("/api/bounties/" + id + "/transactions/create", Map.of("token", "ETH",
                    "amount", "1000000000000000000", "threshold", 500_000, "shares", List.of(10_000),
                    "submissionDeadline", now + 24 * 3600, "evaluationDeadline", now + 48 * 3600,
                    "challengeWindowSeconds", 3600, "arbiter", DevAccounts.account(3).getAddress(),
                    "maxSubmissionsPerContributor", 65_535, "challengeBond", "100000000000000000"), token);
            var sent = new RawTransactionManager(driver.web3j, SPONSOR, tx.get("chainId").asLong()).sendTransaction(
                    BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(3_000_000), tx.get("to").asText(),
                    tx.get("data").asText(), new BigInteger(tx.get("value").asText()));
            new PollingTransactionReceiptProcessor(driver.web3j, 100, 100).waitForTransactionReceipt(sent.getTransactionHash());
            releaseToIndexer(new HttpService(rpcUrl));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String answer = "";
        while (!"OPEN".equals(JSON.readTree(answer = get("/api/bounties/" + id).body()).path("status").asText())) {
            // A loaded machine may answer 503 for a moment (a database or chain call past its limit): ask again.
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bounty " + id + " was not opened by the indexer within 60 s: " + answer);
            }
            Thread.sleep(100);
        }
        return id;
    }

    /**
     * Copies the real bounty's chain fields into {@code bounties - 1} more, and writes {@code submissions} committed,
     * scored submissions: {@code board} of them to one bounty (the big leaderboard), the rest spread evenly over the
     * others. Returns the big board's bounty.
     */
    private long bulkLoad(long template) throws SQLException {
        int bounties = option("bounties", 10_000);
        int submissions = option("submissions", 1_000_000);
        int board = option("board", 100_000);
        long started = System.nanoTime();
        try (Connection db = database(); Statement sql = db.createStatement()) {
            long base;
            try (ResultSet max = sql.executeQuery("SELECT max(id) FROM bounty")) {
                max.next();
                base = max.getLong(1) + 1000;
            }
            try (PreparedStatement insert = db.prepareStatement("""
                    INSERT INTO bounty (id, chain_id, contract, sponsor, title, description, spec_hash, task, metric,
                                        test_set_commitment, onchain_id, status, token, reward, higher_is_better,
                                        threshold, reveal_policy, shares, submission_deadline, evaluation_deadline,
                                        challenge_window_seconds, evaluator, arbiter, max_submissions, challenge_bond,
                                        created_tx, created_at, updated_at)
                    SELECT ? + g, t.chain_id, t.contract, t.sponsor, 'Bulk bounty ' || g, t.description, t.spec_hash,
                           t.task, t.metric, '0x' || md5(g::text) || md5((-g)::text), 1000000 + g, t.status, t.token,
                           t.reward + g, g % 5 <> 0, t.threshold, t.reveal_policy, t.shares,
                           t.submission_deadline + g * interval '1 second', t.evaluation_deadline,
                           t.challenge_window_seconds, t.evaluator, t.arbiter, t.max_submissions, t.challenge_bond,
                           t.created_tx, now(), now()
                      FROM bounty t, generate_series(1, ?) g
                     WHERE t.id = ?""")) {
                insert.setLong(1, base);
                insert.setInt(2, bounties - 1);
                insert.setLong(3, template);
                insert.executeUpdate();
            }
            long boardBounty = base + 1;
            long submissionBase;
            try (ResultSet max = sql.executeQuery("SELECT coalesce(max(id), 0) FROM submission")) {
                max.next();
                submissionBase = max.getLong(1) + 1000;
            }
            // Submission g (1-based): the first `board` belong to the big board; the rest go round the other bulk
            // bounties (boardBounty + 1 ...), `others` of them.
            int others = bounties - 2;
            sql.executeUpdate("""
                    INSERT INTO submission (id, bounty_id, contributor, commitment, chain_index, committed_tx,
                                            committed_at, live_score, model_sha256, model_size, model_key, created_at)
                    SELECT %1$d + g,
                           CASE WHEN g <= %2$d THEN %3$d ELSE %3$d + 1 + (g - %2$d - 1) %% %4$d END,
                           '0x' || lpad(to_hex(g %% 5000), 40, '0'),
                           '0x' || md5(g::text) || md5((g + 1)::text),
                           CASE WHEN g <= %2$d THEN g - 1 ELSE (g - %2$d - 1) / %4$d END,
                           '0x' || md5((-g)::text) || md5((-g - 1)::text),
                           now(), (random() * 1000000)::bigint, md5(g::text) || md5((g * 7)::text), 1000,
                           md5(g::text) || md5((g * 7)::text), now()
                      FROM generate_series(1, %5$d) g""".formatted(submissionBase, board, boardBounty, others, submissions));
            sql.execute("UPDATE bounty b SET submission_count = s.n FROM (SELECT bounty_id, count(*) n FROM submission"
                    + " GROUP BY bounty_id) s WHERE s.bounty_id = b.id AND b.id > " + base);
            // Ids above the bulk rows for what the server writes next (Hibernate allocates 50 at a time).
            sql.execute("SELECT setval('bounty_seq', (SELECT max(id) FROM bounty) + 100)");
            sql.execute("SELECT setval('submission_seq', (SELECT max(id) FROM submission) + 100)");
            sql.execute("VACUUM ANALYZE bounty");
            sql.execute("VACUUM ANALYZE submission");
            System.out.printf(Locale.ROOT, "bulk load: %,d bounties, %,d submissions (%,d on bounty %d's board) in %.1f s"
                    + " (INSERT ... SELECT generate_series, then VACUUM ANALYZE)%n", count(sql, "bounty"),
                    count(sql, "submission"), board, boardBounty, (System.nanoTime() - started) / 1e9);
            return boardBounty;
        }
    }

    // ---- 1. reads ----

    private void measureReads(long boardBounty) throws Exception {
        int connections = option("connections", 64);
        int rate = option("rate", 1000);
        Duration measured = Duration.ofSeconds(option("seconds", 15));
        Duration warmUp = Duration.ofSeconds(option("warm-up", 10));
        int board = option("board", 100_000);
        URI base = URI.create(baseUrl);
        LoadGenerator load = new LoadGenerator(new InetSocketAddress(base.getHost(), base.getPort()), connections);
        Map<String, IntFunction<URI>> endpoints = new LinkedHashMap<>();
        String trivial = "trivial endpoint (GET /q/health/live)";
        endpoints.put(trivial, r -> URI.create(baseUrl + "/q/health/live"));
        endpoints.put("bounty list (GET /api/bounties, first page of 20)", r -> URI.create(baseUrl + "/api/bounties"));
        endpoints.put("leaderboard (GET /api/bounties/" + boardBounty + "/leaderboard, random page of 50 of " + board + ")",
                r -> URI.create(baseUrl + "/api/bounties/" + boardBounty + "/leaderboard?page="
                        + Math.floorMod(r, Math.max(1, board / 50)) + "&size=50"));
        endpoints.put("browse page (GET /, first page of 12)", r -> URI.create(baseUrl + "/"));
        endpoints.put("leaderboard page (GET /bounties/" + boardBounty + "/leaderboard, both boards' first 50)",
                r -> URI.create(baseUrl + "/bounties/" + boardBounty + "/leaderboard"));
        double share = Double.parseDouble(options.getOrDefault("paced-share", "0.7"));
        System.out.printf("%nreads: %d connections, %d s per run after a %d s warm-up; each endpoint saturated, then"
                + " paced at %.0f%% of its own saturated rate (the trivial endpoint anchors the ratio); CPU per request"
                + " of the server process, of PostgreSQL (all its processes) and of this load generator; machine busy:"
                + " all processes, both cores; other processes: CPU the rest of the machine used meanwhile, in cores%n",
                connections, measured.toSeconds(), warmUp.toSeconds(), share * 100);
        System.out.println("| endpoint | load | requests/s | p50 ms | p99 ms | max ms | errors | server CPU ms/req"
                + " | PostgreSQL CPU ms/req | load generator CPU ms/req | machine busy | other processes, cores"
                + " | load average |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        if (servers.size() > 1) {
            endpoints.remove(trivial);
            measureReadsOnEachServer(endpoints, connections, rate, measured, warmUp);
            return;
        }
        Map<String, double[]> summary = new LinkedHashMap<>();
        for (var endpoint : endpoints.entrySet()) {
            load.saturate(endpoint.getValue(), warmUp);
            Cpu before = Cpu.now(server.pid());
            LoadGenerator.Result saturated = load.saturate(endpoint.getValue(), measured);
            print(endpoint.getKey(), "saturated", saturated, before, Cpu.now(server.pid()));
            int pacedRate = (int) Math.max(1, Math.round(saturated.perSecond() * share));
            before = Cpu.now(server.pid());
            LoadGenerator.Result paced = load.paced(endpoint.getValue(), measured, pacedRate);
            print(endpoint.getKey(), "paced " + pacedRate + "/s (" + Math.round(share * 100) + "%)", paced, before,
                    Cpu.now(server.pid()));
            summary.put(endpoint.getKey(), new double[] {saturated.perSecond(), pacedRate, paced.perSecond(), paced.p99()});
        }
        double anchor = summary.get(trivial)[0];
        System.out.printf(Locale.ROOT, "%nreads against the trivial endpoint in the same run (targets: at least 0.5 of its"
                + " saturated rate; p99 under 50 ms at %.0f%% of the read's own saturated rate); load average %.2f%n",
                share * 100, loadAverage());
        System.out.println("| endpoint | saturated requests/s | ratio to trivial | paced requests/s (achieved) | p99 ms paced |");
        System.out.println("|---|---:|---:|---:|---:|");
        summary.forEach((name, f) -> System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %,.0f (%,.0f) | %.1f |%n",
                name, f[0], f[0] / anchor, f[1], f[2], f[3]));
        explainReadQueries(boardBounty, board);
    }

    /**
     * The database's own time for what a page reads when it is not cached (EXPLAIN ANALYZE, median of 5 after one
     * warm-up; planning excluded): the same statements the server sends, with this run's ids.
     */
    private void explainReadQueries(long boardBounty, int board) throws SQLException {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("bounty list: first page of 20 (newest)", "SELECT * FROM bounty WHERE status <> 'DRAFT'"
                + " ORDER BY id DESC LIMIT 20");
        queries.put("bounty list: the total", "SELECT count(*) FROM bounty WHERE status <> 'DRAFT'");
        queries.put("browse page: the tokens", "SELECT DISTINCT token FROM bounty WHERE token IS NOT NULL"
                + " AND status <> 'DRAFT' ORDER BY token");
        queries.put("bounty by id", "SELECT * FROM bounty WHERE id = " + boardBounty);
        queries.put("leaderboard: the whole board of " + board + ", read after a change",
                "SELECT id, chain_index, contributor, model_sha256, live_score, committed_at FROM submission"
                        + " WHERE bounty_id = " + boardBounty + " AND live_score IS NOT NULL AND chain_index IS NOT NULL"
                        + " ORDER BY live_score DESC, chain_index, id");
        queries.put("leaderboard without the cache (leaderboard.refresh=0s): a page deep in the board",
                "SELECT id, chain_index, contributor, model_sha256, live_score, committed_at FROM submission"
                        + " WHERE bounty_id = " + boardBounty + " AND live_score IS NOT NULL AND chain_index IS NOT NULL"
                        + " ORDER BY live_score DESC, chain_index, id OFFSET " + (board / 2) + " LIMIT 50");
        queries.put("leaderboard without the cache: the total", "SELECT count(*) FROM submission WHERE bounty_id = "
                + boardBounty + " AND live_score IS NOT NULL AND chain_index IS NOT NULL");
        queries.put("private board: first page of 50", "SELECT * FROM submission WHERE bounty_id = " + boardBounty
                + " AND rank IS NOT NULL ORDER BY rank LIMIT 50");
        System.out.println("\nthe database's own time for a page's queries when they run (a cached page runs none):"
                + " EXPLAIN ANALYZE execution time, median of 5");
        System.out.println("| query | ms | plan |");
        System.out.println("|---|---:|---|");
        try (Connection db = database(); Statement sql = db.createStatement()) {
            for (var query : queries.entrySet()) {
                double[] times = new double[5];
                String plan = "";
                for (int i = -1; i < times.length; i++) {
                    StringBuilder lines = new StringBuilder();
                    try (ResultSet rows = sql.executeQuery("EXPLAIN (ANALYZE, TIMING OFF) " + query.getValue())) {
                        while (rows.next()) {
                            lines.append(rows.getString(1)).append('\n');
                        }
                    }
                    Matcher time = Pattern.compile("Execution Time: ([0-9.]+) ms").matcher(lines);
                    if (i >= 0 && time.find()) {
                        times[i] = Double.parseDouble(time.group(1));
                    }
                    plan = lines.toString().lines().map(String::strip).filter(l -> l.contains("Scan") || l.contains("Sort")
                            || l.contains("Aggregate")).map(l -> l.replaceAll("\\s*\\(.*", "").replace("->", "").strip())
                            .reduce((a, b) -> a + "; " + b).orElse("");
                }
                java.util.Arrays.sort(times);
                System.out.printf(Locale.ROOT, "| %s | %.2f | %s |%n", query.getKey(), times[2], plan);
            }
        }
    }

    /**
     * Every server loaded at once, each by a load generator of its own with its share of the connections and of the
     * paced rate (no balancer here: what a round-robin balancer would spread); one row per server.
     */
    private void measureReadsOnEachServer(Map<String, IntFunction<URI>> endpoints, int connections, int rate,
            Duration measured, Duration warmUp) throws Exception {
        int n = servers.size();
        List<LoadGenerator> loads = new ArrayList<>();
        for (String url : baseUrls) {
            URI base = URI.create(url);
            loads.add(new LoadGenerator(new InetSocketAddress(base.getHost(), base.getPort()), connections / n));
        }
        ExecutorService together = Executors.newFixedThreadPool(n);
        try {
            for (var endpoint : endpoints.entrySet()) {
                for (int paced = 0; paced < 3; paced++) {
                    boolean warming = paced == 0;
                    boolean pacedRun = paced == 2;
                    List<Cpu> before = new ArrayList<>();
                    for (Process p : servers) {
                        before.add(Cpu.now(p.pid()));
                    }
                    List<Future<LoadGenerator.Result>> runs = new ArrayList<>();
                    for (LoadGenerator load : loads) {
                        runs.add(together.submit(() -> warming ? load.saturate(endpoint.getValue(), warmUp)
                                : pacedRun ? load.paced(endpoint.getValue(), measured, rate / n)
                                        : load.saturate(endpoint.getValue(), measured)));
                    }
                    List<LoadGenerator.Result> results = new ArrayList<>();
                    for (Future<LoadGenerator.Result> run : runs) {
                        results.add(run.get());
                    }
                    if (warming) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        print(endpoint.getKey(), "server " + (i + 1) + " of " + n + ", " + (pacedRun ? "paced "
                                + (rate / n) + "/s" : "saturated"), results.get(i), before.get(i),
                                Cpu.now(servers.get(i).pid()));
                    }
                }
            }
        } finally {
            together.shutdown();
        }
    }

    private static void print(String endpoint, String mode, LoadGenerator.Result r, Cpu before, Cpu after) {
        double server = after.server() - before.server();
        double database = after.database() - before.database();
        double self = after.self() - before.self();
        double busy = (after.machineBusy() - before.machineBusy()) / Cpu.TICKS;
        double wall = (after.machineTotal() - before.machineTotal()) / Cpu.TICKS / Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.1f | %.1f | %d | %.2f | %.2f | %.2f | %.0f%% | %.2f |"
                + " %.2f |%n", endpoint, mode, r.perSecond(), r.p50(), r.p99(), r.max(), r.errors(),
                server * 1000 / r.requests(), database * 1000 / r.requests(), self * 1000 / r.requests(),
                100 * busy / wall / Runtime.getRuntime().availableProcessors(), (busy - server - database - self) / wall,
                loadAverage());
    }

    /**
     * CPU seconds used so far by the server, by all PostgreSQL processes (other databases' included) and by this
     * program, and the machine's busy and total CPU ticks.
     */
    private record Cpu(double server, double database, double self, long machineBusy, long machineTotal) {
        private static final double TICKS = 100; // USER_HZ on Linux

        static Cpu now(long serverPid) throws IOException {
            double database = 0;
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path process : (Iterable<Path>) processes::iterator) {
                    if (process.getFileName().toString().matches("\\d+")) {
                        try {
                            String stat = Files.readString(process.resolve("stat"));
                            if (stat.contains("(postgres)")) {
                                database += processCpu(stat);
                            }
                        } catch (IOException gone) {
                            // the process ended meanwhile
                        }
                    }
                }
            }
            double server = processCpu(Files.readString(Path.of("/proc", Long.toString(serverPid), "stat")));
            double self = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]); // idle + iowait
            return new Cpu(server, database, self, total - idle, total);
        }

        /** utime + stime of a /proc/<pid>/stat line (fields 14 and 15; after the command name, 12 and 13). */
        private static double processCpu(String stat) {
            String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
        }
    }

    // ---- 2. upload ----

    private void measureUpload(long bountyId, String token) throws Exception {
        int mib = option("upload-mib", 1024);
        Path model = work.resolve("model-" + mib + "mib.bin");
        if (!Files.exists(model) || Files.size(model) != mib * 1024L * 1024L) {
            byte[] chunk = new byte[1024 * 1024];
            Random random = new Random(42);
            try (var out = Files.newOutputStream(model)) {
                for (int i = 0; i < mib; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
        }
        Path small = work.resolve("model-small.bin");
        Files.write(small, new byte[] {1, 2, 3});
        // The answer waits for the check on the public sample (a child JVM): timed on its own with a tiny model.
        double check = upload(bountyId, token, small);
        long before = liveHeap();
        AtomicBoolean uploading = new AtomicBoolean(true);
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = new Thread(() -> {
            while (uploading.get()) {
                peak.accumulateAndGet(liveHeap(), Math::max);
                sleep(1000);
            }
        });
        sampler.start();
        double seconds;
        Cpu cpuBefore = Cpu.now(uploadServer().pid());
        try {
            seconds = upload(bountyId, token, model);
        } finally {
            uploading.set(false);
            sampler.join();
        }
        Cpu cpuAfter = Cpu.now(uploadServer().pid());
        long after = liveHeap();
        System.out.printf(Locale.ROOT, "%nupload: %,d MiB model in %.1f s = %.0f MiB/s (%.0f MiB/s without the %.1f s"
                + " check a tiny model's answer takes); CPU meanwhile: server %.1f s, this program %.1f s, machine busy"
                + " %.0f%%%n", mib, seconds, mib / seconds, mib / (seconds - check), check,
                cpuAfter.server() - cpuBefore.server(), cpuAfter.self() - cpuBefore.self(),
                100.0 * (cpuAfter.machineBusy() - cpuBefore.machineBusy())
                        / (cpuAfter.machineTotal() - cpuBefore.machineTotal()));
        System.out.printf(Locale.ROOT, "upload: server live heap (objects left by a full GC, jcmd GC.class_histogram;"
                + " sampled every second during the upload) before %.1f MiB, peak %.1f MiB, after %.1f MiB: growth %.1f MiB%n", before / 1048576.0,
                peak.get() / 1048576.0, after / 1048576.0, (peak.get() - before) / 1048576.0);
    }

    /** Seconds until the server answered the upload. */
    private double upload(long bountyId, String token, Path model) throws Exception {
        Multipart form = new Multipart().file("model", model);
        long started = System.nanoTime();
        send(HttpRequest.newBuilder(URI.create(baseUrls.get(baseUrls.size() - 1) + "/api/bounties/" + bountyId
                + "/submissions"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + token)
                .header("Content-Type", form.contentType()).POST(form.body()), 201);
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * The server's live heap in bytes: the total of {@code jcmd <pid> GC.class_histogram}, which runs a full GC and
     * counts what survived in one step. (GC.run followed by GC.heap_info also counts what the upload allocated in the
     * fraction of a second between the two commands: tens of MiB at this speed.)
     */
    private long liveHeap() {
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(jcmd("GC.class_histogram"));
        if (!total.find()) {
            throw new IllegalStateException("no heap total from jcmd GC.class_histogram");
        }
        return Long.parseLong(total.group(1));
    }

    private String jcmd(String command) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(uploadServer().pid()), command).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("jcmd " + command + ": " + e.getMessage(), e);
        }
    }

    // ---- 3. indexer ----

    /**
     * Puts {@code events} submit transactions from one contributor on the chain, {@value #SEND_BATCH} at a time with
     * automine off, each batch mined into blocks as full as the block gas limit allows. The indexer cannot see them
     * yet (chain.confirmations); then one anvil_mine releases them all, and the time counts from there until the
     * server has stored and applied every Submitted event.
     */
    private void measureIndexer(String market, long bountyId) throws Exception {
        int events = option("events", 10_000);
        BigInteger onchainId = new BigInteger(JSON.readTree(get("/api/bounties/" + bountyId).body()).get("onchainId").asText());
        HttpService rpc = new HttpService(rpcUrl);
        try (ChainDriver driver = new ChainDriver(rpcUrl); Connection db = database()) {
            String from = CONTRIBUTOR.getAddress();
            BigInteger nonce = driver.web3j.ethGetTransactionCount(from,
                    org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount();
            BigInteger gasPrice = BigInteger.valueOf(2_000_000_000L);
            BigInteger gas = driver.web3j.ethEstimateGas(Transaction.createFunctionCallTransaction(from, null, null, null,
                    market, submitCall(onchainId, from, -1))).send().getAmountUsed().multiply(BigInteger.valueOf(12))
                    .divide(BigInteger.TEN);
            long storedBefore = storedSubmitted(db, onchainId);
            rpcCall(rpc, "evm_setAutomine", List.of(false));
            long sendStarted = System.nanoTime();
            int blocks = 0;
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int batch = 0; batch < events; batch += SEND_BATCH) {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = batch; i < Math.min(events, batch + SEND_BATCH); i++) {
                    int n = i;
                    sent.add(senders.submit(() -> {
                        var answer = driver.web3j.ethSendTransaction(Transaction.createFunctionCallTransaction(from,
                                nonce.add(BigInteger.valueOf(n)), gasPrice, gas, market, submitCall(onchainId, from, n)))
                                .send();
                        if (answer.hasError()) {
                            throw new IllegalStateException("submit " + n + ": " + answer.getError().getMessage());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
                while (pending(rpc) > 0) {
                    rpcCall(rpc, "evm_mine", List.of());
                    blocks++;
                }
            }
            senders.shutdown();
            rpcCall(rpc, "evm_setAutomine", List.of(true));
            double sending = (System.nanoTime() - sendStarted) / 1e9;
            if (blocks >= CONFIRMATIONS || storedSubmitted(db, onchainId) != storedBefore) {
                throw new IllegalStateException("the indexer saw the submits before they were released");
            }

            long released = System.nanoTime();
            releaseToIndexer(rpc);
            double releasing = (System.nanoTime() - released) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            long stored;
            while ((stored = storedSubmitted(db, onchainId)) < storedBefore + events) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the indexer stored " + (stored - storedBefore) + " of " + events
                            + " Submitted events in 3 minutes");
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - released) / 1e9;
            long applied;
            try (PreparedStatement count = db.prepareStatement(
                    "SELECT count(*) FROM submission WHERE bounty_id = ? AND chain_index IS NOT NULL")) {
                count.setLong(1, bountyId);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    applied = rows.getLong(1);
                }
            }
            System.out.printf(Locale.ROOT, "%nindexer: %,d submit transactions sent and mined in %d blocks in %.1f s;"
                    + " released to the indexer (anvil_mine of %d blocks, %.2f s); all %,d Submitted events stored and"
                    + " applied %.2f s after the release began: %,.0f events/s (%,d committed submissions on the"
                    + " bounty; load average %.2f)%n", events, blocks, sending, CONFIRMATIONS, releasing, events,
                    seconds, events / seconds, applied, loadAverage());
        }
    }

    /** Mines {@link #CONFIRMATIONS} empty blocks: what was on the chain before becomes visible to the indexer. */
    private static void releaseToIndexer(HttpService rpc) throws IOException {
        rpcCall(rpc, "anvil_mine", List.of("0x" + Integer.toHexString(CONFIRMATIONS)));
    }

    private static String submitCall(BigInteger bountyId, String contributor, int n) {
        byte[] commitment = ChainDriver.commitment(ChainDriver.sha256("benchmark model " + n), contributor);
        return FunctionEncoder.encode(new Function("submit", List.of(new Uint256(bountyId), new Bytes32(commitment)),
                List.of()));
    }

    private static long storedSubmitted(Connection db, BigInteger onchainId) throws SQLException {
        try (PreparedStatement count = db.prepareStatement(
                "SELECT count(*) FROM chain_event WHERE name = 'Submitted' AND bounty_id = ?")) {
            count.setBigDecimal(1, new java.math.BigDecimal(onchainId));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static long pending(HttpService rpc) throws IOException {
        Object status = rpcCall(rpc, "txpool_status", List.of());
        Object pending = ((Map<?, ?>) status).get("pending");
        return pending instanceof Number number ? number.longValue() : Long.decode(pending.toString());
    }

    private static Object rpcCall(HttpService rpc, String method, List<?> params) throws IOException {
        Response<?> response = new Request<>(method, params, rpc, ChainDriver.SnapshotResponse.class).send();
        if (response.hasError()) {
            throw new IllegalStateException(method + ": " + response.getError().getMessage());
        }
        return response.getResult();
    }

    // ---- helpers ----

    private Connection database() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", null);
    }

    private static long count(Statement sql, String table) throws SQLException {
        try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(String path, Object body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json").POST(BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return JSON.readTree(send(request, 200).body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A multipart/form-data body whose files are streamed from disk, never read into memory. */
    private static final class Multipart {
        private final String boundary = "----benchmark" + System.nanoTime();
        private final List<BodyPublisher> parts = new ArrayList<>();

        Multipart field(String name, String value) {
            parts.add(BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"\r\n\r\n" + value + "\r\n", StandardCharsets.UTF_8));
            return this;
        }

        Multipart file(String name, Path file) throws IOException {
            parts.add(BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                    + "\"; filename=\"" + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            parts.add(BodyPublishers.ofFile(file));
            parts.add(BodyPublishers.ofString("\r\n"));
            return this;
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        BodyPublisher body() {
            List<BodyPublisher> all = new ArrayList<>(parts);
            all.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
            return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
        }
    }
}
