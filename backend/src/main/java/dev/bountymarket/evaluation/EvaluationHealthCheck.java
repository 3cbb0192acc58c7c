package dev.bountymarket.evaluation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.bountymarket.evaluator.sandbox.SandboxedEvaluator;

/**
 * Says how evaluations are isolated and how many run at once. Always up: a machine without bubblewrap still
 * evaluates (a laptop is not blocked), but readiness shows the weaker isolation with a warning.
 */
@Readiness
@ApplicationScoped
public class EvaluationHealthCheck implements HealthCheck {

    @Inject
    SandboxedEvaluator evaluator;

    @Inject
    EvaluationSlots slots;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("evaluation").up()
                .withData("isolation", evaluator.isolation().sandboxed() ? "bubblewrap" : "none")
                .withData("concurrency", slots.size());
        if (!evaluator.isolation().sandboxed()) {
            response.withData("warning", evaluator.isolation().description());
        }
        return response.build();
    }
}
