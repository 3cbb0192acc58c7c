package dev.bountymarket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.chain.Erc20Tokens;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluator.cli.EvaluatorCli;
import dev.bountymarket.evaluator.examples.MemorisingModels;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.BrowserScripts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.KeyWallet;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.ServerProcess;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;

/**
 * The pages in a real browser: the packaged server against a fresh database and chain, with its indexer and keeper
 * running, driven by Playwright in Debian's headless Chromium (frontend-templates/browser-tests/). The browser's
 * wallet is an EIP-1193 provider injected into each page that forwards to the test chain, so the pages' own wallet
 * code runs. run.mjs covers browsing, signing in, the dev wallet, transactions and their errors on a bounty posted
 * straight to the contract; flow.mjs a bounty's whole life through the pages, with models and data made here
 * (MlFixtures) and the evaluator's child JVMs scoring them, a contributor whose fresh key holds no ETH (KeyWallet)
 * entering through the relayer, and after the reveal the results re-computed here with the evaluator's verify.
 * Screenshots land in target/screenshots.
 */
class BrowserIT {

    private final TestDatabase database = new TestDatabase();
    private final TestChain chain = new TestChain();
    private Process app;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.putAll(database.start());
        settings.putAll(chain.start());
        int port = TestChain.freePort();
        settings.put("quarkus.http.port", Integer.toString(port));
        settings.put("chain.dev-accounts", "true");
        settings.put("web.public-rpc-url", settings.get("chain.rpc-url"));
        settings.put("indexer.interval", "1s");
        settings.put("keeper.interval", "1s");
        // The relayer posts a signed submission within seconds, not the production default's minutes.
        settings.put("relay.batch-interval", "10s");
        // Evaluations run as in production, each in a child JVM found next to the packaged evaluator jar.
        settings.put("evaluator.workers", "1");
        settings.put("evaluator.heap-mib", "1024");
        settings.put("evaluator.poll-interval", "500ms");
        // The account page's webhook step adds one on this machine; every other internal address stays refused.
        settings.put("notifications.allowed-private-addresses", "127.0.0.1");
        // and its receiver, which refuses the first delivery, sees the retry within seconds
        settings.put("notifications.retry-backoff", "2s");
        settings.put("storage.directory", Files.createTempDirectory(Path.of("target"), "browser-storage").toString());

        log = Path.of("target", "browser-it-server.log");
        app = ServerProcess.start(settings, List.of(), log);
        market = ServerProcess.contract(ServerProcess.awaitReady(app, port, log));
        baseUrl = "http://localhost:" + port;
        rpcUrl = settings.get("chain.rpc-url");
    }

    private String baseUrl;
    private String rpcUrl;
    private String market;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : closing) {
            resource.close();
        }
        if (app != null) {
            ServerProcess.stop(app);
        }
        chain.stop();
        database.stop();
    }

    @Test
    void pagesWorkInARealBrowserWithAWallet() throws Exception {
        BigInteger unattended;
        BigInteger tokenBounty;
        try (ChainDriver driver = new ChainDriver(rpcUrl)) {
            // A bounty that another evaluator (dev account 5, not the platform's keeper) proposed empty results for,
            // two hours ago: nobody pays it out on their own, so its page offers "Pay out now" to anyone.
            unattended = driver.createBounty(market, DevAccounts.account(1), DevAccounts.account(5),
                    DevAccounts.account(3), ether(2), ChainDriver.sha256("another hidden test set"));
            driver.travel(3601);
            ChainDriver.send(driver.market(market, DevAccounts.account(5)).proposeResults(unattended, List.of(),
                    ChainDriver.sha256("no submissions")));
            driver.travel(3601);
            // An open bounty paid in an ERC-20 token (250 tokens of 6 decimals).
            Credentials sponsor = DevAccounts.account(1);
            String usdx = driver.deployToken("USDX", 6, sponsor, BigInteger.valueOf(1_000_000_000));
            BigInteger tokenReward = BigInteger.valueOf(250_000_000);
            driver.transact(sponsor, usdx, Erc20Tokens.approve(market, tokenReward));
            tokenBounty = driver.createBounty(market, sponsor, DevAccounts.account(TestChain.KEEPER),
                    DevAccounts.account(3), usdx, tokenReward, ChainDriver.sha256("a hidden test set paid in tokens"));
            // The bounty most pages work on, posted straight to the contract, as another marketplace or a script would.
            driver.createBounty(market, DevAccounts.account(1), DevAccounts.account(TestChain.KEEPER),
                    DevAccounts.account(3), ether(1), ChainDriver.sha256("hidden test set"));
        }
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        Map<String, String> env = new HashMap<>(Map.of(
                "BASE_URL", baseUrl,
                "RPC_URL", rpcUrl,
                "SCREENSHOTS", screenshots.toString(),
                "SPONSOR", DevAccounts.account(1).getAddress(),
                "CONTRIBUTOR", DevAccounts.account(2).getAddress(),
                "ARBITER", DevAccounts.account(3).getAddress(),
                "KEEPER", DevAccounts.account(TestChain.KEEPER).getAddress(),
                "UNATTENDED_BOUNTY", "Bounty #" + unattended,
                "TOKEN_BOUNTY", "Bounty #" + tokenBounty));
        BrowserScripts.run("run.mjs", env, log);

        // The whole life of a bounty, with real models and data, and a winner whose account refuses pushed ETH.
        MlFixtures ml = MlFixtures.write(Files.createDirectories(Path.of("target", "browser-ml").toAbsolutePath()));
        Path spec = Files.writeString(ml.dir().resolve("spec.json"), ml.spec());
        Credentials winner = DevAccounts.account(WINNER);
        refusePushedEth(winner);
        // A lookup table of the public sample (perfect on it, chance elsewhere), and a contributor with no ETH whose key
        // only its wallet holds.
        Path memorising = Files.write(ml.dir().resolve("memorised.onnx"),
                MemorisingModels.memorising(BountySpec.parse(ml.spec()), ml.publicSample()));
        Path verify = Files.createDirectories(ml.dir().resolve("verify"));
        KeyWallet penniless = new KeyWallet();
        closing.add(penniless);
        env.putAll(Map.of(
                "MEMORISER", DevAccounts.account(MEMORISER).getAddress(),
                "MEMORISING_MODEL", memorising.toString(),
                "ZERO_BALANCE", penniless.address(),
                "ZERO_BALANCE_SIGNER", penniless.url(),
                "VERIFY_DIR", verify.toString()));
        env.putAll(Map.of(
                "WINNER", winner.getAddress(),
                "SPEC_FILE", spec.toString(),
                "PUBLIC_SAMPLE", ml.publicSample().toString(),
                "TEST_SET", ml.testSet().toString(),
                "GOOD_MODEL", ml.goodModel().toString(),
                "WEAK_MODEL", ml.weakModel().toString(),
                "BROKEN_MODEL", ml.brokenModel().toString()));
        BrowserScripts.run("flow.mjs", env, log);
        verifyResults(verify, Map.of(winner.getAddress(), ml.goodModel(), penniless.address(), ml.goodModel(),
                env.get("CONTRIBUTOR"), ml.weakModel(), env.get("MEMORISER"), memorising));
    }

    /** The dev account whose model wins the full flow; the other tests leave it alone. */
    private static final int WINNER = 4;

    /** The dev account whose model memorised the public sample in the full flow. */
    private static final int MEMORISER = 6;

    private final List<AutoCloseable> closing = new ArrayList<>();

    /**
     * After the reveal, the results re-computed as anyone would: the evaluator's {@code verify}, keyed by the salt of the
     * chain's TestSetRevealed event, on the revealed test set and the results document the bounty page links (flow.mjs
     * saved them in {@code dir}), reproduces each ranked entry's report on the private part, and the live part's rows
     * give another report; the memorised sample tops neither.
     */
    private void verifyResults(Path dir, Map<String, Path> models) throws Exception {
        long id = Long.parseLong(Files.readString(dir.resolve("bounty.txt")).trim());
        HttpClient http = HttpClient.newHttpClient();
        Function<String, String> get = path -> {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), path + ": " + answer.body());
                return answer.body();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(path, e);
            }
        };
        ObjectMapper json = new ObjectMapper();
        BigInteger onchainId = new BigInteger(json.readTree(get.apply("/api/bounties/" + id)).path("onchainId").asText());
        Path spec = Files.writeString(dir.resolve("spec.json"), get.apply("/api/bounties/" + id + "/spec"));
        String salt = revealedSalt(onchainId);
        JsonNode results = json.readTree(dir.resolve("results.json").toFile());
        assertEquals("private", results.path("split").path("scoredPart").asText(), results.toString());
        JsonNode entries = results.path("entries");
        assertEquals(models.size(), entries.size(), results.toString());
        Map<String, Path> byContributor = new HashMap<>();
        models.forEach((address, model) -> byContributor.put(address.toLowerCase(Locale.ROOT), model));
        Path memorising = byContributor.get(DevAccounts.account(MEMORISER).getAddress().toLowerCase(Locale.ROOT));
        assertNotEquals(memorising, byContributor.get(entries.get(0).path("contributor").asText()),
                "the memorised sample does not win");
        for (JsonNode entry : entries) {
            Path model = byContributor.get(entry.path("contributor").asText());
            String[] privatePart = {"verify", "--spec", spec.toString(), "--model", model.toString(), "--test-set",
                    dir.resolve("test-set.csv").toString(), "--salt", salt, "--part", "private", "--expect-hash",
                    entry.path("reportHash").asText(), "--in-process"};
            assertEquals(EvaluatorCli.OK, evaluatorCli(privatePart), "verify of rank " + entry.path("rank"));
            if (entry.path("rank").asInt() == 0) {
                privatePart[10] = "live";
                assertEquals(EvaluatorCli.MISMATCH, evaluatorCli(privatePart), "the live part is other rows");
            }
        }
    }

    /** The salt of the bounty's TestSetRevealed event, read from the chain (never the server). */
    private String revealedSalt(BigInteger onchainId) throws IOException {
        try (ChainDriver driver = new ChainDriver(rpcUrl)) {
            EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, market)
                    .addSingleTopic(EventEncoder.encode(BountyMarket.TESTSETREVEALED_EVENT));
            return driver.web3j.ethGetLogs(filter).send().getLogs().stream()
                    .map(log -> BountyMarket.getTestSetRevealedEventFromLog((Log) log.get()))
                    .filter(event -> event.bountyId.equals(onchainId))
                    .map(event -> Numeric.toHexString(event.salt)).findFirst()
                    .orElseThrow(() -> new AssertionError("no TestSetRevealed for bounty " + onchainId));
        }
    }

    /** Runs the evaluator's command line in this JVM; prints what it said. */
    private static int evaluatorCli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new EvaluatorCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8)).run(args);
        System.out.println("evaluator " + String.join(" ", args) + " -> " + exit + "\n" + out.toString(StandardCharsets.UTF_8));
        return exit;
    }

    /**
     * Gives {@code account} the code of the contracts' test wallet {@code ExpensiveReceiver} through an EIP-7702
     * delegation. The account keeps its key and still signs in and sends transactions, but its receive() writes
     * storage, which needs more gas than the market forwards with a pushed payment: the push fails and the market
     * keeps the payment as a credit, which the account withdraws (a withdrawal forwards all gas).
     */
    private void refusePushedEth(Credentials account) {
        try (ChainDriver driver = new ChainDriver(rpcUrl)) {
            String receiver = driver.deployMock(DevAccounts.account(0), "ExpensiveReceiver", "");
            driver.delegate(account, receiver, DevAccounts.account(0).getAddress());
        }
    }

    static BigInteger ether(long n) {
        return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(n));
    }
}
