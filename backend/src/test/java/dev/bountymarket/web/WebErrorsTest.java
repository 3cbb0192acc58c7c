package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;

import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Error pages for people, JSON for programs; revert data in words; no dev wallet unless the run command made one. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class WebErrorsTest {

    @Test
    void missingPage_isAPageForBrowsersAndJsonUnderApi() {
        given().accept("text/html").get("/bounties/424242").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("There is no bounty 424242."));
        given().accept("text/html").get("/no/such/page").then().statusCode(404)
                .contentType(containsString("text/html")).body(containsString("There is nothing at /no/such/page."));
        given().get("/api/no/such/thing").then().statusCode(404).contentType(ContentType.JSON)
                .body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void revertReason_namesTheContractErrorAndItsArguments() {
        // The ABI encoding of SubmissionsClosed(uint256,uint64), as the contract reverts with it.
        String data = FunctionEncoder.encode(new Function("SubmissionsClosed",
                List.of(new Uint256(7), new Uint64(BigInteger.valueOf(1_900_000_000L))), List.of()));
        given().contentType(ContentType.JSON).body(Map.of("data", data)).post("/api/chain/revert-reason").then()
                .statusCode(200).body("reason", equalTo("SubmissionsClosed(bountyId: 7, submissionDeadline: 2030-03-17T17:46:40Z)"));
        given().contentType(ContentType.JSON).body(Map.of("data", "0xdeadbeef")).post("/api/chain/revert-reason").then()
                .statusCode(404).body("code", equalTo("UNKNOWN_ERROR"));
    }

    @Test
    void devWallet_doesNotExistUnlessTheRunCommandMarkedItsLocalChain() {
        given().get("/api/dev-wallet/accounts").then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("method", "eth_accounts")).post("/api/dev-wallet/rpc").then()
                .statusCode(404);
        given().accept("text/html").get("/").then().statusCode(200).body(containsString("data-dev-wallet=\"false\""));
    }
}
