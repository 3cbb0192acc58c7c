package dev.bountymarket.keeper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The keeper's account, balance and steps in flight, and when a step is paused for want of funds, why and how much
 * the account needs. Up even then, like the evaluation check without bubblewrap: the site still serves everything
 * else, and taking it out of a load balancer would not fund the keeper. Alerts come from the keeper_balance metric.
 * The figures are the last the keeper read (balance: its last round; steps in flight: the last metrics sample).
 */
@Readiness
@ApplicationScoped
public class KeeperHealthCheck implements HealthCheck {

    @Inject
    Keeper keeper;

    @Override
    public HealthCheckResponse call() {
        // Readiness asks neither the chain nor the database: a frozen one must not hold it up (see ChainHealthCheck).
        Keeper.State state = keeper.lastKnownState();
        var response = HealthCheckResponse.named("keeper").up().withData("state", state.state())
                .withData("pendingSteps", state.pendingSteps());
        if (state.address() != null) {
            response.withData("address", state.address());
        }
        if (state.balanceWei() != null) {
            response.withData("balanceWei", state.balanceWei());
        }
        if (state.reason() != null) {
            response.withData("reason", state.reason());
        }
        if (state.needsWei() != null) {
            response.withData("needsWei", state.needsWei());
        }
        return response.build();
    }
}
