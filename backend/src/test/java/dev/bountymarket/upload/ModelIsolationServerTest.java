package dev.bountymarket.upload;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.evaluation.EvaluationJob;
import dev.bountymarket.evaluation.EvaluationRunner;
import dev.bountymarket.evaluation.EvaluationSlots;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.HostileModels.Place;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/**
 * The server's side of "a model reaches no file but its own bytes": hostile models are refused at upload and in the
 * evaluation on the hidden test set, a bundle is scored like the model it holds, and a burst of uploads never runs
 * more evaluations at once than the server's slots.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class ModelIsolationServerTest {

    private static final String CHILD_MAIN = dev.bountymarket.evaluator.sandbox.ChildMain.class.getName();

    private static final int FEATURES = 8;

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials mallory = DevAccounts.account(8);

    @Inject
    ChainConfig chainConfig;

    @Inject
    ChainIndexer indexer;

    @Inject
    ContractRegistry registry;

    @Inject
    EvaluationRunner runner;

    @Inject
    EvaluationSlots slots;

    @Inject
    Keeper keeper;

    @TempDir
    Path dir;

    MlFixtures files;
    String sponsorToken;
    String malloryToken;

    @BeforeEach
    void setUp() {
        files = MlFixtures.write(dir);
        sponsorToken = Wallet.apiToken(sponsor);
        malloryToken = Wallet.apiToken(mallory);
        indexer.catchUp();
    }

    @Test
    void hostileModelsAreRefusedAtUploadAndOnTheHiddenTestSet() throws Exception {
        long bounty = openBounty();
        // the names the server once gave the public sample and the test set, beside the model
        List<byte[]> hostile = List.of(
                HostileModels.externalData(FEATURES, Place.INITIALIZER, "sample.csv"),
                HostileModels.externalData(FEATURES, Place.INITIALIZER, "test-set.csv"),
                HostileModels.externalData(FEATURES, Place.INITIALIZER, "../test-set/test-set.csv"),
                HostileModels.externalData(FEATURES, Place.INITIALIZER, "/proc/self/cwd/test-set/test-set.csv"),
                HostileModels.externalData(FEATURES, Place.SUBGRAPH, "test-set.csv"),
                HostileModels.externalData(FEATURES, Place.FUNCTION, "test-set.csv"));
        List<JsonPath> refused = new ArrayList<>();
        for (int i = 0; i < hostile.size(); i++) {
            Path model = Files.write(dir.resolve("tiny-" + i + ".onnx"), hostile.get(i));
            JsonPath answer = checked(upload(bounty, malloryToken, model));
            assertFalse(answer.getBoolean("validation.ok"));
            assertEquals("MODEL_UNREADABLE", answer.getString("validation.code"));
            String message = answer.getString("validation.message");
            assertTrue(message.startsWith("tiny-" + i + ".onnx keeps "), message);
            assertTrue(message.contains("outside the model file"), message);
            assertFalse(message.contains("/tmp"), message);
            refused.add(answer);
        }

        // Mallory commits the first one straight to the contract; it is refused on the hidden test set as well.
        try (ChainDriver chain = new ChainDriver(chainConfig.rpcUrl())) {
            ChainDriver.send(chain.market(registry.current().address, mallory).submit(onchainId(bounty),
                    Numeric.hexStringToByteArray(refused.get(1).getString("commitment"))));
            indexer.catchUp();
            while (runner.workOnce("test-worker")) {
                // the evaluation on the public sample, once committed
            }
            chain.travel(3601);
        }
        keeper.round();
        while (runner.workOnce("test-worker")) {
            // the evaluation on the hidden test set
        }
        long submission = refused.get(1).getLong("id");
        EvaluationJob job = QuarkusTransaction.requiringNew().call(() ->
                EvaluationJob.find(submission, EvaluationJob.Kind.PRIVATE).orElseThrow());
        assertEquals(EvaluationJob.Status.FAILED, job.status);
        assertEquals("MODEL_UNREADABLE", job.errorCode);
        assertTrue(job.errorMessage.contains("outside the model file"), job.errorMessage);
    }

    @Test
    void aBundleScoresLikeTheModelItHolds() throws Exception {
        long bounty = openBounty();
        JsonPath plain = checked(upload(bounty, malloryToken, files.goodModel()));
        Path bundle = Files.write(dir.resolve("good-bundle.zip"),
                HostileModels.bundleOf(Files.readAllBytes(files.goodModel())));
        JsonPath bundled = checked(upload(bounty, malloryToken, bundle));
        assertTrue(bundled.getBoolean("validation.ok"), bundled.prettify());
        assertEquals(plain.getLong("publicScore"), bundled.getLong("publicScore"));
    }

    @Test
    void aBurstOfUploadsNeverRunsMoreChecksAtOnceThanTheSlots() throws Exception {
        long bounty = openBounty();
        int n = slots.size();
        int uploads = n + 3;
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                // the evaluation children (with or without bubblewrap around them): java descendants running the
                // evaluator's child main class, not other java children of this JVM such as a test's s3proxy
                long children = ProcessHandle.current().descendants()
                        .filter(p -> p.info().command().orElse("").endsWith("/java"))
                        .filter(ModelIsolationServerTest::runsTheEvaluatorChild)
                        .count();
                most.accumulateAndGet((int) children, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        ExecutorService clients = Executors.newFixedThreadPool(uploads);
        List<Future<JsonPath>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                Path model = i % 2 == 0 ? files.goodModel() : files.weakModel();
                answers.add(clients.submit(() -> upload(bounty, malloryToken, model).extract().jsonPath()));
            }
            int queued = 0;
            for (int i = 0; i < uploads; i++) {
                JsonPath answer = answers.get(i).get();
                if (answer.get("check") != null) {
                    // in line when the answer was made, or already running by the time it was read
                    queued++;
                    assertTrue(List.of("queued", "running").contains(answer.getString("check.status")), answer.prettify());
                }
                long id = answer.getLong("id");
                JsonPath done = answer;
                for (int wait = 0; wait < 600 && done.get("validation") == null; wait++) {
                    Thread.sleep(200);
                    done = given().auth().oauth2(malloryToken).get("/api/submissions/" + id).then().statusCode(200)
                            .extract().jsonPath();
                }
                assertTrue(done.getBoolean("validation.ok"), done.prettify());
                long expected = given().auth().oauth2(malloryToken).get("/api/submissions/" + answers.get(i % 2).get()
                        .getLong("id")).then().extract().jsonPath().getLong("publicScore");
                assertEquals(expected, done.getLong("publicScore"), "the same model, the same public score");
            }
            assertTrue(queued > 0, "with " + uploads + " uploads at once some wait in line for " + n + " slots");
        } finally {
            clients.shutdownNow();
            watching.set(false);
            watcher.join();
        }
        assertTrue(most.get() <= n, "at most " + n + " checks ran at once, saw " + most.get());
        assertTrue(most.get() >= 1, "the watcher saw the checks run");
    }

    /** The upload's answer once its check has run: at once (201), or followed until it has (202, queued). */
    private JsonPath checked(io.restassured.response.ValidatableResponse answer) throws InterruptedException {
        JsonPath json = answer.statusCode(org.hamcrest.Matchers.oneOf(201, 202)).extract().jsonPath();
        for (int wait = 0; wait < 600 && json.get("validation") == null; wait++) {
            Thread.sleep(200);
            json = given().auth().oauth2(malloryToken).get("/api/submissions/" + json.getLong("id")).then()
                    .statusCode(200).extract().jsonPath();
        }
        return json;
    }

    private static io.restassured.response.ValidatableResponse upload(long bounty, String token, Path model) {
        return given().auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bounty + "/submissions").then();
    }

    private BigInteger onchainId(long bounty) {
        return new BigInteger(given().get("/api/bounties/" + bounty).then().extract().<String>path("onchainId"));
    }

    /** A funded bounty on the chain, open for submissions for an hour. */
    private long openBounty() {
        long id = given().auth().oauth2(sponsorToken).multiPart("title", "isolation").multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile()).multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
        Drafts.fund(id, chainConfig.rpcUrl(), sponsor, sponsorToken);
        indexer.catchUp();
        return id;
    }

    /**
     * Whether a process runs the evaluator's child main class. Read from /proc, because ProcessHandle's arguments are
     * cut short on Linux and the class name comes after the long class path.
     */
    private static boolean runsTheEvaluatorChild(ProcessHandle process) {
        try {
            String commandLine = new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()),
                    "cmdline")), java.nio.charset.StandardCharsets.UTF_8);
            return List.of(commandLine.split("\0")).contains(CHILD_MAIN);
        } catch (java.io.IOException gone) {
            return false; // it ended meanwhile
        }
    }
}
