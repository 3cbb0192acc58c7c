package dev.bountymarket.notification;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.bountymarket.web.ApiError;

public class NotificationExceptionMapper {

    @ServerExceptionMapper
    public Response map(NotificationException e) {
        return Response.status(e.code.status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(e.code.name(), e.getMessage())).build();
    }
}
