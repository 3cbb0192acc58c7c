package dev.bountymarket.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import dev.bountymarket.testing.Wallet;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class SignInTest {

    private final Credentials alice = DevAccounts.account(1);
    private final Credentials mallory = DevAccounts.account(2);

    @Test
    void signIn_opensSessionWithHttpOnlySameSiteCookie() {
        String message = message(alice);
        Response response = signIn(message, sign(message, alice));

        response.then().statusCode(200)
                .body("address", equalTo(alice.getAddress()))
                .body("csrfToken", notNullValue());
        String setCookie = response.getHeader("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
        given().cookie(CurrentUser.SESSION_COOKIE, response.getCookie(CurrentUser.SESSION_COOKIE))
                .get("/api/auth/me").then().statusCode(200).body("address", equalTo(alice.getAddress()));
    }

    @Test
    void signIn_rejectsReplayedNonce() {
        String message = message(alice);
        String signature = sign(message, alice);
        signIn(message, signature).then().statusCode(200);

        signIn(message, signature).then().statusCode(401)
                .body("code", equalTo("SIGN_IN_REJECTED"))
                .body("message", containsString("nonce was already used"));
    }

    @Test
    void signIn_rejectsWrongDomain() {
        String site = "localhost:" + RestAssured.port;
        String message = message(alice).replace(site + " wants", "evil.example wants");

        signIn(message, sign(message, alice)).then().statusCode(401)
                .body("message", equalTo("Sign-in rejected: the message is for evil.example, not " + site + "."));
    }

    @Test
    void signIn_rejectsWrongChainId() {
        String message = message(alice).replace("Chain ID: 31337", "Chain ID: 1");

        signIn(message, sign(message, alice)).then().statusCode(401)
                .body("message", containsString("is for chain 1, but this marketplace runs on chain 31337"));
    }

    @Test
    void signIn_rejectsExpiredMessage() {
        String message = message(alice).replaceAll("Expiration Time: .*", "Expiration Time: 2020-01-01T00:00:00Z");

        signIn(message, sign(message, alice)).then().statusCode(401)
                .body("message", containsString("expired at 2020-01-01T00:00:00Z"));
    }

    @Test
    void signIn_rejectsTamperedSignature() {
        String message = message(alice);
        byte[] signature = Numeric.hexStringToByteArray(sign(message, alice));
        signature[10] ^= 0x01;

        signIn(message, Numeric.toHexString(signature)).then().statusCode(401)
                .body("code", equalTo("SIGN_IN_REJECTED"));
    }

    @Test
    void signIn_rejectsSignatureByAnotherAccount() {
        String message = message(alice);

        signIn(message, sign(message, mallory)).then().statusCode(401)
                .body("message", containsString("the signature is by " + mallory.getAddress()));
    }

    @Test
    void signIn_rejectsGarbage() {
        signIn("hello", "0x00").then().statusCode(400).body("code", equalTo("INVALID_MESSAGE"));
    }

    @Test
    void signIn_rejectsOtherSitesOrigin() {
        String message = message(alice);
        given().contentType(ContentType.JSON).header("Origin", "https://evil.example")
                .body(Map.of("message", message, "signature", sign(message, alice)))
                .post("/api/auth/sign-in").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
    }

    @Test
    void changes_needCsrfTokenWithSessionCookie() {
        String message = message(alice);
        Response signedIn = signIn(message, sign(message, alice));
        String cookie = signedIn.getCookie(CurrentUser.SESSION_COOKIE);
        String csrf = signedIn.jsonPath().getString("csrfToken");

        given().cookie(CurrentUser.SESSION_COOKIE, cookie).contentType(ContentType.JSON).body(Map.of("name", "ci"))
                .post("/api/auth/tokens").then().statusCode(403).body("code", equalTo("CSRF_TOKEN_MISSING"));
        given().cookie(CurrentUser.SESSION_COOKIE, cookie).header(CurrentUser.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body(Map.of("name", "ci"))
                .post("/api/auth/tokens").then().statusCode(201).body("token", notNullValue());
    }

    @Test
    void apiToken_actsForItsOwnerUntilRevoked() {
        String message = message(alice);
        Response signedIn = signIn(message, sign(message, alice));
        String cookie = signedIn.getCookie(CurrentUser.SESSION_COOKIE);
        String csrf = signedIn.jsonPath().getString("csrfToken");
        Response created = given().cookie(CurrentUser.SESSION_COOKIE, cookie).header(CurrentUser.CSRF_HEADER, csrf)
                .contentType(ContentType.JSON).body(Map.of("name", "laptop")).post("/api/auth/tokens");
        String token = created.jsonPath().getString("token");
        long id = created.jsonPath().getLong("id");

        given().auth().oauth2(token).get("/api/auth/me").then().statusCode(200).body("address", equalTo(alice.getAddress()));
        given().auth().oauth2(token).delete("/api/auth/tokens/" + id).then().statusCode(204);
        given().auth().oauth2(token).get("/api/auth/me").then().statusCode(401).body("code", equalTo("NOT_SIGNED_IN"));
    }

    @Test
    void me_says401IfNotSignedIn() {
        given().get("/api/auth/me").then().statusCode(401)
                .body("code", equalTo("NOT_SIGNED_IN"))
                .body("message", containsString("Sign in with your wallet"));
    }

    private static String message(Credentials account) {
        return given().contentType(ContentType.JSON).body(Map.of("address", account.getAddress()))
                .post("/api/auth/message").then().statusCode(200).extract().jsonPath().getString("message");
    }

    private static Response signIn(String message, String signature) {
        return given().contentType(ContentType.JSON).body(Map.of("message", message, "signature", signature))
                .post("/api/auth/sign-in");
    }

    private static String sign(String message, Credentials account) {
        return Wallet.sign(message, account);
    }
}
