package dev.bountymarket.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ChainIndexer;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;

/** Uploads that must be refused with a clear reason, leaving nothing in the store or the database. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class BadUploadTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials contributor = DevAccounts.account(7);

    @Inject
    StorageConfig storage;

    @Inject
    ChainConfig chainConfig;

    @Inject
    ChainIndexer indexer;

    @TempDir
    Path dir;

    MlFixtures files;
    String sponsorToken;

    @BeforeEach
    void setUp() {
        files = MlFixtures.write(dir);
        sponsorToken = Wallet.apiToken(sponsor);
        indexer.catchUp();
    }

    @Test
    void draft_withAMalformedTestSet_isRefusedNamingTheLine() throws IOException {
        Path malformed = dir.resolve("malformed.csv");
        List<String> lines = Files.readAllLines(files.testSet());
        lines.set(5, lines.get(5).replaceFirst(",[^,]*,", ",,"));
        Files.write(malformed, lines);

        assertNothingStored(() -> draft(files.publicSample(), malformed, null).statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", containsString("line 6")));
    }

    @Test
    void draft_withATestSetFieldBeyondTheEvaluatorsCap_isRefusedNamingTheSponsorsFileAndTheCap() throws IOException {
        Path huge = dir.resolve("huge-field.csv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(files.testSet()));
        lines.set(3, lines.get(3).replaceFirst(",[^,]*$", ",\"" + "y".repeat(2 << 20) + "\""));
        Files.write(huge, lines);

        assertNothingStored(() -> draft(files.publicSample(), huge, null).statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", startsWith("The hidden test set is refused: huge-field.csv line 4: a field longer than"
                        + " 1 MiB in column 'label' (a limit the evaluator sets on the sponsor's test set)")));
    }

    @Test
    void draft_withAnImageWhoseHeaderDeclaresTooManyPixels_isRefusedBeforeItIsDecoded() throws IOException {
        String spec = dev.bountymarket.evaluator.examples.Specs.imageJson(2);
        Path sample = imageZip("sample.zip", 1, 1);
        // 20000 x 20000 pixels (1.2 GB decoded) declared by a 70-byte PNG: decoding it would take the server down
        Path bomb = imageZip("pixel-bomb.zip", 20_000, 20_000);

        assertNothingStored(() -> given().auth().oauth2(sponsorToken).multiPart("title", "pixel bomb")
                .multiPart("spec", spec).multiPart("publicSample", sample.toFile()).multiPart("testSet", bomb.toFile())
                .post("/api/drafts").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", equalTo("The hidden test set is refused: pixel-bomb.zip!labels.csv line 2: image"
                        + " 'a.png' declares 20000x20000 pixels in its header; the evaluator decodes at most 8,388,608"
                        + " pixels per image (a limit the evaluator sets on the sponsor's test set)")));
    }

    /** A zip of one 1x1 PNG whose header (with a correct CRC) declares {@code width x height}, labelled red. */
    private Path imageZip(String name, int width, int height) throws IOException {
        java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB),
                "png", encoded);
        byte[] png = encoded.toByteArray();
        java.nio.ByteBuffer.wrap(png).putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17);
        java.nio.ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        Path zip = dir.resolve(name);
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new java.util.zip.ZipEntry("a.png"));
            out.write(png);
            out.putNextEntry(new java.util.zip.ZipEntry("labels.csv"));
            out.write("file,label\na.png,red\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return zip;
    }

    @Test
    void draft_withATestSetWhoseHashDoesNotMatch_isRefused() {
        assertNothingStored(() -> draft(files.publicSample(), files.testSet(), "ab".repeat(32)).statusCode(400)
                .body("code", equalTo("INVALID_CONTENT"))
                .body("message", containsString("not the abab")));
    }

    @Test
    void draft_withAnEmptyPublicSample_isRefused() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertNothingStored(() -> draft(empty, files.testSet(), null).statusCode(400)
                .body("message", containsString("is empty")));
    }

    @Test
    void draft_withoutASpec_isRefused() {
        assertNothingStored(() -> given().auth().oauth2(sponsorToken).multiPart("title", "no spec")
                .multiPart("publicSample", files.publicSample().toFile()).multiPart("testSet", files.testSet().toFile())
                .post("/api/drafts").then().statusCode(400).body("message", equalTo("spec is required")));
    }

    @Test
    void modelUpload_thatIsTooLargeEmptyOrCutShort_isRefusedAndLeavesNothing() throws IOException {
        long bounty = openBounty();
        String token = Wallet.apiToken(contributor);
        Path huge = dir.resolve("huge.onnx");
        byte[] noise = new byte[(int) storage.maxModelBytes() + 1];
        new Random(1).nextBytes(noise);
        Files.write(huge, noise);
        Path empty = Files.createFile(dir.resolve("empty.onnx"));

        assertNothingStored(() -> {
            upload(bounty, token, huge, null).statusCode(413).body("code", equalTo("TOO_LARGE"))
                    .body("message", containsString("the limit is " + storage.maxModelBytes()));
            upload(bounty, token, empty, null).statusCode(400).body("code", equalTo("INVALID_CONTENT"));
            // The contributor states the full file's hash; the body that arrived is the first half of it.
            upload(bounty, token, files.brokenModel(), sha256(files.goodModel())).statusCode(400)
                    .body("message", containsString("cut short"));
        });
    }

    @Test
    void modelUpload_withoutSignIn_isRefused() {
        long bounty = openBounty();
        given().multiPart("model", files.goodModel().toFile()).post("/api/bounties/" + bounty + "/submissions")
                .then().statusCode(401).body("code", equalTo("NOT_SIGNED_IN"));
    }

    private io.restassured.response.ValidatableResponse draft(Path sample, Path testSet, String testSetSha256) {
        var request = given().auth().oauth2(sponsorToken).multiPart("title", "bad input").multiPart("spec", files.spec())
                .multiPart("publicSample", sample.toFile()).multiPart("testSet", testSet.toFile());
        if (testSetSha256 != null) {
            request.multiPart("testSetSha256", testSetSha256);
        }
        return request.post("/api/drafts").then();
    }

    private static io.restassured.response.ValidatableResponse upload(long bounty, String token, Path model,
            String sha256) {
        var request = given().auth().oauth2(token).multiPart("model", model.toFile());
        if (sha256 != null) {
            request.multiPart("sha256", sha256);
        }
        return request.post("/api/bounties/" + bounty + "/submissions").then();
    }

    /** A funded bounty on the chain, open for submissions. */
    private long openBounty() {
        JsonPath draft = draft(files.publicSample(), files.testSet(), null).statusCode(201).extract().jsonPath();
        long id = draft.getLong("id");
        Drafts.fund(id, chainConfig.rpcUrl(), sponsor, sponsorToken);
        indexer.catchUp();
        return id;
    }

    /** Runs {@code refused} and checks it added no stored file and no draft. */
    private void assertNothingStored(Runnable refused) {
        List<String> before = storedFiles();
        long drafts = QuarkusTransaction.requiringNew().call(() -> Bounty.count());
        refused.run();
        assertEquals(before, storedFiles(), "no file left in the store");
        assertEquals(drafts, QuarkusTransaction.requiringNew().call(() -> Bounty.count()), "no draft left behind");
    }

    private List<String> storedFiles() {
        Path root = Path.of(storage.directory());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(root::relativize).map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
