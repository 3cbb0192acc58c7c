package dev.bountymarket.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** Paths that no resource or static file answers end here, after every other route: a 404 page, or JSON under /api. */
@ApplicationScoped
public class NotFoundRoute {

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.route().last().handler(this::notFound);
    }

    private void notFound(RoutingContext context) {
        String path = context.request().path();
        String message = "There is nothing at " + path + ".";
        if (ErrorPages.wantsPage(path, context.request().getHeader(HttpHeaders.ACCEPT))) {
            context.response().setStatusCode(404).putHeader("Content-Type", "text/html; charset=UTF-8")
                    .end(ErrorPages.Templates.error(Site.anonymous(), 404, "Not found", message).render());
        } else {
            try {
                context.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end(json.writeValueAsString(new ApiError("NOT_FOUND", message)));
            } catch (JsonProcessingException e) {
                context.fail(e);
            }
        }
    }
}
