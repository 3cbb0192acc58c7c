package dev.bountymarket.chain;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With no chain behind the RPC URL the server still starts, and readiness says why it is not ready. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@TestProfile(ChainDownTest.NoChain.class)
class ChainDownTest {

    public static class NoChain implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chain.rpc-url", "http://127.0.0.1:9", "chain.rpc-timeout", "2s");
        }
    }

    @Test
    void ready_reportsChainDownWithReasonIfRpcUnreachable() {
        given().when().get("/q/health/ready").then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'chain' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'chain' }.data.reason", containsString("chain unreachable"))
                .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"));
    }

    @Test
    void homePage_saysChainIsNotReady() {
        given().when().get("/").then()
                .statusCode(200)
                .body(containsString("The chain is not ready"));
    }
}
