package dev.bountymarket.process;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.bountymarket.process.ProcessConfig.Role;

/** The roles this process runs ({@code process.roles}), asked by each part before it starts. */
@ApplicationScoped
public class ProcessRoles {

    @Inject
    ProcessConfig config;

    public boolean has(Role role) {
        return config.roles().contains(role);
    }

    public Set<Role> all() {
        return config.roles().isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(config.roles());
    }

    /** As configured, lower case and in a fixed order: "web,leader,worker". */
    public String describe() {
        return all().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
    }
}
