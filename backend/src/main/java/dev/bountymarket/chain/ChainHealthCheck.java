package dev.bountymarket.chain;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.web3j.protocol.Web3j;

/**
 * Ready when the chain answers and the contract is there: chain id, latest block and contract address. The chain is
 * named by its host only (the URL may hold an API key).
 */
@Readiness
@ApplicationScoped
public class ChainHealthCheck implements HealthCheck {

    @Inject
    Web3j web3j;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("chain").withData("rpcHost", RpcUrls.host(config.rpcUrl()));
        long latestBlock;
        try {
            latestBlock = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("reason", "chain unreachable: " + RpcUrls.redact(e.getMessage(), config.rpcUrl())).build();
        }
        response.withData("latestBlock", latestBlock);
        try {
            ContractDeployment contract = registry.current();
            if (!registry.hasCode(contract.address)) {
                return response.down().withData("chainId", contract.chainId)
                        .withData("reason", "no contract code at " + contract.address).build();
            }
            return response.up().withData("chainId", contract.chainId).withData("contract", contract.address).build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", RpcUrls.redact(e.getMessage(), config.rpcUrl())).build();
        }
    }
}
