package dev.bountymarket.chain;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class ChainReadinessTest {

    @Inject
    ContractRegistry registry;

    @Test
    void ready_reportsDatabaseAndChainWithContract() {
        String address = registry.current().address;
        given().when().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("chain"))
                .body("checks.find { it.name == 'chain' }.data.chainId", equalTo(31337))
                .body("checks.find { it.name == 'chain' }.data.contract", equalTo(address))
                .body("checks.find { it.name == 'chain' }.data.latestBlock", greaterThanOrEqualTo(1))
                .body("checks.find { it.name.contains('Database') }.status", equalTo("UP"))
                .body("checks.find { it.name == 'chain' }.data.contract", matchesPattern("0x[0-9a-f]{40}"));
    }

    @Test
    void current_reusesRecordedContractIfResolvedAgain() {
        ContractDeployment first = registry.current();
        registry.forget();
        ContractDeployment again = registry.current();

        assertEquals(first.address, again.address, "a restart must reuse the recorded contract");
        assertTrue(registry.hasCode(again.address));
        long recorded = QuarkusTransaction.requiringNew().call(() -> ContractDeployment.count("chainId", 31337L));
        assertEquals(1, recorded, "deployed exactly once for the chain");
    }
}
