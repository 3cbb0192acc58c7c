package dev.bountymarket.bounty;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.bountymarket.web.ApiError;

public class BountyExceptionMapper {

    @ServerExceptionMapper
    public Response map(BountyException e) {
        return Response.status(e.code.status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(e.code.name(), e.getMessage(), e.fields.isEmpty() ? null : e.fields)).build();
    }
}
