package dev.bountymarket.notification;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.web3j.crypto.Credentials;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.evaluation.EvaluationRunner;
import dev.bountymarket.keeper.Keeper;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Notifications from real events on a real chain: models scored (and one overtaken) on the live board, a deadline
 * near, results posted, the payout; the same events in the bounty's Atom feed, and a webhook receiving one.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class NotificationLifecycleTest {

    private static final BigInteger REWARD = BigInteger.TEN.pow(18);

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials arbiter = DevAccounts.account(3);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials carol = DevAccounts.account(6);

    @Inject
    ChainIndexer indexer;

    @Inject
    Keeper keeper;

    @Inject
    EvaluationRunner runner;

    @Inject
    ChainConfig config;

    @Inject
    DeadlineNotices deadlines;

    @Inject
    WebhookSender sender;

    @TempDir
    Path dir;

    ChainDriver chain;
    MlFixtures files;

    @BeforeEach
    void setUp() {
        chain = new ChainDriver(config.rpcUrl());
        files = MlFixtures.write(dir);
        indexer.catchUp();
    }

    @AfterEach
    void tearDown() {
        chain.close();
    }

    @Test
    void scoringResultsAndPayout_notifyThePeopleConcerned() throws Exception {
        String sponsorToken = Wallet.apiToken(sponsor);
        String aliceToken = Wallet.apiToken(alice);
        String carolToken = Wallet.apiToken(carol);

        long id = given().auth().oauth2(sponsorToken)
                .multiPart("title", "Churn <alerts> & more").multiPart("description", "Who leaves next month?")
                .multiPart("spec", files.spec())
                .multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(201).extract().jsonPath().getLong("id");
        long now = chain.latestTimestamp();
        JsonPath create = given().auth().oauth2(sponsorToken).contentType(ContentType.JSON).body(Map.of(
                "token", "ETH", "amount", REWARD.toString(), "threshold", 500_000, "shares", List.of(10_000),
                "submissionDeadline", now + 3600, "evaluationDeadline", now + 4 * 3600, "challengeWindowSeconds", 3600,
                "arbiter", arbiter.getAddress(), "maxSubmissionsPerContributor", 2, "challengeBond", "1"))
                .post("/api/bounties/" + id + "/transactions/create").then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, sponsor, create);
        indexer.catchUp();
        assertEquals(List.of("BOUNTY_OPEN"), kinds(sponsorToken, id));

        try (WebhookReceiver receiver = new WebhookReceiver(() -> 200, 0)) {
            String secret = given().auth().oauth2(aliceToken).contentType(ContentType.JSON)
                    .body(Map.of("url", receiver.url())).post("/api/account/webhooks").then().statusCode(201)
                    .extract().path("secret");

            // Carol's weak model enters the live board first; Alice's good one then overtakes it.
            uploadAndCommit(id, carol, carolToken, files.weakModel());
            assertEquals(List.of("SCORED"), kinds(carolToken, id));
            uploadAndCommit(id, alice, aliceToken, files.goodModel());
            assertEquals(List.of("SCORED"), kinds(aliceToken, id));
            assertEquals(List.of("OVERTAKEN", "SCORED"), kinds(carolToken, id), "Carol is told she was overtaken");
            indexer.catchUp();
            assertEquals(List.of("OVERTAKEN", "SCORED"), kinds(carolToken, id), "indexing again tells nobody twice");

            sender.deliverDue();
            assertEquals(1, receiver.received.size(), "Alice's webhook got her notification");
            WebhookReceiver.Received hook = receiver.received.get(0);
            assertTrue(WebhookTest.verify(secret, hook.header(WebhookSender.SIGNATURE_HEADER), hook.body(), 300));
            assertEquals("SCORED", new JsonPath(hook.body()).getString("notification.kind"));
        }

        // The deadline is an hour away (by the chain's clock): everyone concerned is told once.
        assertTrue(deadlines.sweep() >= 1);
        deadlines.sweep();
        for (String token : List.of(sponsorToken, aliceToken, carolToken)) {
            assertEquals(1, kinds(token, id).stream().filter("DEADLINE_NEAR"::equals).count());
        }

        // Submissions close; the keeper has the models evaluated and posts the results.
        chain.travel(3601);
        keeper.round();
        while (runner.workOnce("test-worker")) {
            // the private evaluations
        }
        keeper.round();
        keeper.round();
        indexer.catchUp();
        for (String token : List.of(sponsorToken, aliceToken, carolToken)) {
            assertEquals("RESULTS_POSTED", kinds(token, id).get(0));
        }

        // The test set is revealed, the window closes and the keeper pays out: Alice is told she was paid.
        keeper.round();
        keeper.round();
        indexer.catchUp();
        chain.travel(3601);
        keeper.round();
        keeper.round();
        indexer.catchUp();
        List<String> aliceKinds = kinds(aliceToken, id);
        assertTrue(aliceKinds.contains("PAID"), aliceKinds.toString());
        assertTrue(aliceKinds.contains("FINALIZED"), aliceKinds.toString());
        JsonPath aliceList = given().auth().oauth2(aliceToken).get("/api/account/notifications").then().statusCode(200)
                .extract().jsonPath();
        assertTrue(aliceList.getString("items.find { it.kind == 'PAID' }.title").startsWith("Paid: "));
        assertTrue(aliceList.getInt("unread") >= 5);
        assertFalse(kinds(carolToken, id).contains("PAID"), "Carol's model did not win");

        // Alice's pages: the header counts her unread notifications, her account page lists them and her webhook.
        String cookie = sessionCookie(alice);
        String account = given().cookie("bm_session", cookie).accept("text/html").get("/account").then().statusCode(200)
                .extract().asString();
        assertTrue(account.contains("data-notifications-indicator"), "the header's indicator");
        assertTrue(account.contains("<span class=\"badge\">" + aliceList.getInt("unread")), "the unread count");
        assertTrue(account.contains("data-notification-read="), "a Mark read button");
        assertTrue(account.contains("Paid: "), "the payment's notification");
        assertTrue(account.contains("data-webhook-delete="), "her webhook, with its deliveries");
        assertTrue(account.contains("<td>delivered</td>"), "its delivery, delivered");

        // The Atom feed tells the bounty's public story, newest first; it is valid XML whatever the title holds.
        String xml = given().get("/bounties/" + id + "/feed.atom").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("application/atom+xml")).extract().asString();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document feed = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes("UTF-8")));
        Element root = feed.getDocumentElement();
        assertEquals("http://www.w3.org/2005/Atom", root.getNamespaceURI());
        assertEquals("feed", root.getLocalName());
        assertEquals("Churn <alerts> & more", child(root, "title"));
        NodeList entries = root.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "entry");
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < entries.getLength(); i++) {
            titles.add(child((Element) entries.item(i), "title"));
        }
        assertEquals("Bounty open: Churn <alerts> & more", titles.get(titles.size() - 1), titles.toString());
        assertEquals(2, titles.stream().filter("Model committed"::equals).count(), titles.toString());
        assertTrue(titles.contains("Results posted"), titles.toString());
        assertTrue(titles.contains("Test set revealed"), titles.toString());
        assertEquals("Bounty paid out", titles.get(0), titles.toString());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < entries.getLength(); i++) {
            ids.add(child((Element) entries.item(i), "id"));
        }
        assertEquals(ids.size(), ids.stream().distinct().count(), "no event twice");

        // The bounty page links the feed; a draft has none.
        String page = given().accept("text/html").get("/bounties/" + id).then().statusCode(200).extract().asString();
        assertTrue(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\"") && page.contains(
                "href=\"/bounties/" + id + "/feed.atom\""), "the page announces its feed");
        long draft = given().auth().oauth2(sponsorToken).multiPart("title", "Unfunded").multiPart("description", "d")
                .multiPart("spec", files.spec()).multiPart("publicSample", files.publicSample().toFile())
                .multiPart("testSet", files.testSet().toFile()).post("/api/drafts").then().statusCode(201).extract()
                .jsonPath().getLong("id");
        given().get("/bounties/" + draft + "/feed.atom").then().statusCode(404);
    }

    private static String sessionCookie(Credentials who) {
        String message = given().contentType(ContentType.JSON).body(Map.of("address", who.getAddress()))
                .post("/api/auth/message").then().statusCode(200).extract().jsonPath().getString("message");
        return given().contentType(ContentType.JSON).body(Map.of("message", message, "signature", Wallet.sign(message,
                who))).post("/api/auth/sign-in").then().statusCode(200).extract().cookie("bm_session");
    }

    /** The account's notification kinds about one bounty, newest first. */
    private static List<String> kinds(String token, long bountyId) {
        JsonPath list = given().auth().oauth2(token).get("/api/account/notifications?limit=200").then().statusCode(200)
                .extract().jsonPath();
        return list.getList("items.findAll { it.bountyId == " + bountyId + " }.kind");
    }

    private static String child(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagNameNS("http://www.w3.org/2005/Atom", name);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getParentNode() == parent) {
                return nodes.item(i).getTextContent();
            }
        }
        throw new AssertionError("no " + name + " in " + parent.getLocalName());
    }

    private long uploadAndCommit(long bountyId, Credentials who, String token, Path model) {
        JsonPath uploaded = given().auth().oauth2(token).multiPart("model", model.toFile())
                .post("/api/bounties/" + bountyId + "/submissions").then().statusCode(201).extract().jsonPath();
        assertTrue(uploaded.getBoolean("validation.ok"), () -> "validation: " + uploaded.prettify());
        long submission = uploaded.getLong("id");
        JsonPath tx = given().auth().oauth2(token).post("/api/submissions/" + submission + "/transactions/submit")
                .then().statusCode(200).extract().jsonPath();
        Wallet.send(chain.web3j, who, tx);
        indexer.catchUp();
        // the commit queued its live-board scoring: run it, as a worker would
        while (runner.workOnce("test-worker")) {
        }
        return submission;
    }
}
