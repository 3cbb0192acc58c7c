package dev.bountymarket.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * On a chain with a known profile (here anvil answering Sepolia's chain id), pages name the network, link the contract
 * to its explorer, and hand the wallet the profile for wallet_addEthereumChain through data attributes.
 */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(value = TestChain.class, initArgs = @ResourceArg(name = TestChain.CHAIN_ID, value = "11155111"))
class ExplorerPageTest {

    @Inject
    ContractRegistry registry;

    @Test
    void homePage_linksTheContractToTheNetworksExplorer() {
        String contract = registry.current().address;
        given().get("/").then().statusCode(200)
                .body(containsString("<a class=\"address\" href=\"https://sepolia.etherscan.io/address/" + contract + "\">"))
                .body(containsString("on chain 11155111 (Sepolia)"))
                .body(containsString("data-chain-name=\"Sepolia\""))
                .body(containsString("data-explorer-url=\"https://sepolia.etherscan.io\""))
                .body(containsString("data-currency-name=\"Sepolia Ether\""))
                .body(containsString("data-currency-symbol=\"ETH\""))
                .body(containsString("data-currency-decimals=\"18\""))
                .body(containsString("data-rpc-url=\"https://"));
    }
}
