package dev.bountymarket.process;

import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.bountymarket.leadership.Leadership;

/**
 * Which roles this process runs ({@code process.roles}) and which of the elected ones it leads right now (as of its
 * last renewal: {@code leads: "indexer,keeper"}, or {@code none}), with its name in {@code leader_lease.holder}. Always
 * up: a process that leads nothing is a standby, not a fault. Asks the database nothing.
 */
@Readiness
@ApplicationScoped
public class ProcessHealthCheck implements HealthCheck {

    @Inject
    ProcessRoles roles;

    @Inject
    Leadership leadership;

    @Override
    public HealthCheckResponse call() {
        String leads = leadership.leads().stream().map(Leadership.Role::key).collect(Collectors.joining(","));
        return HealthCheckResponse.named("process").up()
                .withData("roles", roles.describe())
                .withData("leads", leads.isEmpty() ? "none" : leads)
                .withData("holder", leadership.holder())
                .withData("pid", ProcessHandle.current().pid())
                .build();
    }
}
