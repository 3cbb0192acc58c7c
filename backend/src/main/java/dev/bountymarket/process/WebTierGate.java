package dev.bountymarket.process;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.process.ProcessConfig.Role;
import dev.bountymarket.web.ApiError;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A process without the {@code web} role (an evaluation worker) serves no page and no API: only its health and metrics,
 * for the orchestrator and Prometheus. Anything else is refused before a body is read, so a worker put behind a load
 * balancer by mistake says so instead of serving a site that nobody maintains there.
 */
@ApplicationScoped
public class WebTierGate {

    @Inject
    ProcessRoles roles;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        if (roles.has(Role.WEB)) {
            return;
        }
        Log.infof("Web tier off (process.roles=%s): only /q/health and /q/metrics are served", roles.describe());
        // Ahead of everything else, RequestGuard included (it is at Integer.MIN_VALUE).
        router.route().order(Integer.MIN_VALUE).handler(this::refuse);
    }

    private void refuse(RoutingContext context) {
        // The path the router matches on ("/q/health/../../api" is "/api"), not the raw one.
        String path = context.normalizedPath();
        if (path.equals("/q/health") || path.startsWith("/q/health/") || path.equals("/q/metrics")) {
            context.next();
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(new ApiError("NOT_SERVED_HERE", "This process runs only "
                    + roles.describe() + " (process.roles): pages and the API are served by the processes with the"
                    + " web role. Send requests to the load balancer in front of those."));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close").end(body);
    }
}
