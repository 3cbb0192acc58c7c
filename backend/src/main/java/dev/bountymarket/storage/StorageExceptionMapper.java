package dev.bountymarket.storage;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.bountymarket.web.ApiError;

/** Upload and download problems as JSON errors: 413 too large, 400 bad content, 404 missing. */
public class StorageExceptionMapper {

    @ServerExceptionMapper
    public Response map(StorageException e) {
        return Response.status(e.code.status).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(e.code.name(), e.getMessage())).build();
    }
}
