package dev.bountymarket.testing;

import static io.restassured.RestAssured.given;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** What a user's wallet does in tests: personal_sign, signing in, and sending a transaction the server prepared. */
public final class Wallet {

    private Wallet() {
    }

    /** personal_sign: r, s and v (27 or 28) as one hex string. */
    public static String sign(String message, Credentials account) {
        Sign.SignatureData s = Sign.signPrefixedMessage(message.getBytes(StandardCharsets.UTF_8), account.getEcKeyPair());
        byte[] bytes = new byte[65];
        System.arraycopy(s.getR(), 0, bytes, 0, 32);
        System.arraycopy(s.getS(), 0, bytes, 32, 32);
        bytes[64] = s.getV()[0];
        return Numeric.toHexString(bytes);
    }

    /** Signs in through the API and returns an API token acting for the account. */
    public static String apiToken(Credentials account) {
        String message = given().contentType(ContentType.JSON).body(Map.of("address", account.getAddress()))
                .post("/api/auth/message").then().statusCode(200).extract().jsonPath().getString("message");
        var signedIn = given().contentType(ContentType.JSON)
                .body(Map.of("message", message, "signature", sign(message, account)))
                .post("/api/auth/sign-in").then().statusCode(200).extract();
        return given().cookie("bm_session", signedIn.cookie("bm_session"))
                .header("X-CSRF-Token", signedIn.jsonPath().getString("csrfToken"))
                .contentType(ContentType.JSON).body(Map.of("name", "test"))
                .post("/api/auth/tokens").then().statusCode(201).extract().jsonPath().getString("token");
    }

    /** eth_sendTransaction of a {chainId, to, data, value} the server returned, and the receipt. */
    public static TransactionReceipt send(Web3j web3j, Credentials account, JsonPath tx) {
        try {
            var sent = new RawTransactionManager(web3j, account, Long.parseLong(tx.getString("chainId")))
                    .sendTransaction(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(3_000_000), tx.getString("to"),
                            tx.getString("data"), new BigInteger(tx.getString("value")));
            if (sent.hasError()) {
                throw new AssertionError("rejected: " + sent.getError().getMessage());
            }
            return new PollingTransactionReceiptProcessor(web3j, 100, 50).waitForTransactionReceipt(sent.getTransactionHash());
        } catch (Exception e) {
            // web3j declares Exception
            throw new AssertionError(e);
        }
    }

}
