package dev.bountymarket.chain;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the chain answers and the contract is there: chain id, latest block and contract address. It asks the
 * chain nothing itself: it reports what {@link ChainWatch} last read, so it answers at once even when the node hangs,
 * and says DOWN within {@code chain.unanswered-after} of the node's last answer. The chain is named by its host only
 * (the URL may hold an API key); with several providers, all of them, and those being skipped after failing.
 */
@Readiness
@ApplicationScoped
public class ChainHealthCheck implements HealthCheck {

    @Inject
    ChainWatch watch;

    @Inject
    ChainClock clock;

    @Inject
    ContractRegistry registry;

    @Inject
    RpcProviders providers;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("chain").withData("rpcHost", providers.activeHost())
                .withData("lastAnswerMillisAgo", watch.silence().toMillis());
        if (providers.hosts().size() > 1) {
            response.withData("rpcHosts", String.join(", ", providers.hosts()));
            List<String> skipped = providers.backingOff();
            if (!skipped.isEmpty()) {
                response.withData("rpcSkipped", String.join("; ", skipped));
            }
        }
        watch.head().ifPresent(head -> response.withData("latestBlock", head.number())
                .withData("latestBlockSeenMillisAgo", clock.age().toMillis()));
        Optional<String> problem = watch.problem();
        if (problem.isPresent()) {
            return response.down().withData("reason", providers.redact(problem.get())).build();
        }
        Optional<ContractDeployment> contract = registry.resolved();
        if (contract.isEmpty()) {
            return response.down().withData("reason", registry.problem().orElse("the contract is not resolved yet"))
                    .build();
        }
        response.withData("chainId", contract.get().chainId);
        if (!watch.contractHasCode(contract.get().address).orElse(true)) {
            return response.down().withData("reason", "no contract code at " + contract.get().address).build();
        }
        return response.up().withData("contract", contract.get().address).build();
    }
}
