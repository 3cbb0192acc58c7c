package dev.bountymarket.web;

import java.util.Optional;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.bountymarket.chain.ChainUnavailable;
import dev.bountymarket.chain.ContractRegistry;
import io.quarkus.logging.Log;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * Errors as people and programs want them: a page for a browser's page request (404, 403, 500), JSON {code, message}
 * under /api and /q. Domain errors of the API keep their own mappers; this covers what is left.
 */
public class ErrorPages {

    @CheckedTemplate
    public static class Templates {
        public static native TemplateInstance error(Site site, int status, String title, String message);
    }

    @Inject
    SiteContext site;

    @ServerExceptionMapper
    public Response page(PageException e, UriInfo uri, HttpHeaders headers) {
        return respond(e.status.getStatusCode(), e.title, e.getMessage(), uri, headers);
    }

    /** A body that is not JSON, or not of the expected shape: the sender's mistake, said in the API's shape. */
    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri, HttpHeaders headers) {
        return respond(400, "Bad request", "The body is not the JSON this expects: "
                + e.getOriginalMessage() + ". Send a JSON object as documented at /q/swagger-ui.", uri, headers);
    }

    @ServerExceptionMapper
    public Response badJsonShape(MismatchedInputException e, UriInfo uri, HttpHeaders headers) {
        return badJson(e, uri, headers);
    }

    @ServerExceptionMapper
    public Response badJsonSyntax(JsonParseException e, UriInfo uri, HttpHeaders headers) {
        return badJson(e, uri, headers);
    }

    /** A body that could not be read: in practice a client that stopped sending (a multipart body cut short). */
    @ServerExceptionMapper
    public Response unreadableBody(java.io.IOException e, UriInfo uri, HttpHeaders headers) {
        Log.debugf(e, "Unreadable request body on %s", uri.getPath());
        return respond(400, "Bad request", "The request body could not be read (" + e.getMessage() + "): if it was cut"
                + " short on the way, send it again.", uri, headers);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri, HttpHeaders headers) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        if (e.getCause() instanceof JsonProcessingException json) { // how the JSON reader reports a bad body
            return badJson(json, uri, headers);
        }
        Optional<String> badQuery = badQueryParameter(e, uri);
        if (badQuery.isPresent()) {
            return respond(400, "Bad request", badQuery.get(), uri, headers);
        }
        int status = response.getStatus();
        String title = status == 404 ? "Not found" : response.getStatusInfo().getReasonPhrase();
        String message = status == 404 && !(e instanceof jakarta.ws.rs.NotFoundException && e.getMessage() != null
                && !e.getMessage().startsWith("HTTP 404") && !e.getMessage().startsWith("Unable to find"))
                ? "There is nothing at " + uri.getPath() + "." : e.getMessage();
        return respond(status, title, message, uri, headers);
    }

    @ServerExceptionMapper
    public Response chainUnavailable(ChainUnavailable e, UriInfo uri, HttpHeaders headers) {
        return respond(503, "CHAIN_UNAVAILABLE", "The chain is not answering", e.getMessage(), uri, headers);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri, HttpHeaders headers) {
        if (e instanceof ContractRegistry.ContractUnavailable) {
            return respond(503, "The chain is not ready", e.getMessage(), uri, headers);
        }
        if (databaseUnavailable(e)) {
            Log.warnf("Database unavailable on %s: %s", uri.getPath(), e.getMessage());
            return respond(503, "DATABASE_UNAVAILABLE", "The database is not answering", "The database is not answering"
                    + " in time, so nothing was done. Try again in a moment.", uri, headers);
        }
        Log.errorf(e, "Unexpected error on %s", uri.getPath());
        return respond(500, "Something went wrong", "The server failed on this request; it has been logged. "
                + "Try again, and tell the operators if it keeps happening.", uri, headers);
    }

    /**
     * A query parameter that does not convert (page=abc) is reported by JAX-RS as a 404, as if the page did not exist;
     * it is the sender's mistake, so a 400 that names the parameter. A path parameter that does not convert stays a 404.
     */
    private static Optional<String> badQueryParameter(WebApplicationException e, UriInfo uri) {
        if (!(e instanceof NotFoundException) || e.getCause() == null || e.getCause() instanceof WebApplicationException) {
            return Optional.empty();
        }
        String cause = String.valueOf(e.getCause().getMessage());
        for (var param : uri.getPathParameters().entrySet()) {
            if (param.getValue().stream().anyMatch(v -> cause.contains("\"" + v + "\""))) {
                return Optional.empty();
            }
        }
        for (var param : uri.getQueryParameters().entrySet()) {
            for (String value : param.getValue()) {
                if (cause.contains("\"" + value + "\"")) {
                    return Optional.of("The query parameter " + param.getKey() + " cannot be '" + value
                            + "': it must be a whole number.");
                }
            }
        }
        return uri.getQueryParameters().isEmpty() ? Optional.empty()
                : Optional.of("A query parameter has the wrong form (" + cause + ").");
    }

    private Response respond(int status, String title, String message, UriInfo uri, HttpHeaders headers) {
        return respond(status, code(status), title, message, uri, headers);
    }

    private Response respond(int status, String code, String title, String message, UriInfo uri, HttpHeaders headers) {
        if (wantsPage(uri.getPath(), headers.getHeaderString(HttpHeaders.ACCEPT))) {
            Site current;
            try {
                current = site.get();
            } catch (RuntimeException e) {
                current = Site.anonymous();
            }
            return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                    .entity(Templates.error(current, status, title, message).render()).build();
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(code, message)).build();
    }

    /**
     * A request the database did not answer in time: no connection within the acquisition timeout (Agroal says so only
     * in words), a connection lost or silent past the network timeout (SQL state class 08), or a statement cancelled
     * by its statement timeout (57014).
     */
    static boolean databaseUnavailable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || state.equals("57014") || sql instanceof SQLTransientConnectionException
                        || String.valueOf(sql.getMessage()).contains("acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A page request: not the API, and from something that accepts HTML (a browser, or curl's any). */
    static boolean wantsPage(String path, String accept) {
        if (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/q/")) {
            return false;
        }
        return accept == null || accept.contains("text/html") || accept.contains("*/*");
    }

    private static String code(int status) {
        return switch (status) {
            case 404 -> "NOT_FOUND";
            case 403 -> "FORBIDDEN";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 503 -> "UNAVAILABLE";
            case 500 -> "INTERNAL_ERROR";
            default -> status < 500 ? "INVALID_REQUEST" : "SERVER_ERROR";
        };
    }
}
