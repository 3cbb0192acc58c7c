package dev.bountymarket.web;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.auth.AuthService;
import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.storage.StorageConfig;
import dev.bountymarket.web.RateLimiter.Kind;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * What a request may cost before anything reads its body. Runs first, on the event loop, for every request with a
 * body:
 * <ul>
 * <li>an upload (a model, a draft's files) is refused (401) unless its session cookie or API token is valid, and (413)
 * when it announces more than its files' limit ({@code storage.max-*}) plus {@link #FORM_FIELDS};</li>
 * <li>any other body is at most {@link #JSON_LIMIT}: refused when its Content-Length says more, else counted as it
 * arrives (chunked) and refused once it passes the limit;</li>
 * <li>sign-in messages, uploads, drafts and transactions are rate limited per client address and per account
 * ({@link RateLimiter}), answered 429 with Retry-After.</li>
 * </ul>
 * Refusals are JSON {code, message} and close the connection, so the rest of the body is never read.
 */
@ApplicationScoped
public class RequestGuard {

    /** The largest body of a request that is not an upload: JSON, a form without files. */
    public static final int JSON_LIMIT = 1024 * 1024;
    /** What an upload's form may add to its files: the other fields (a spec, a title, a description, hashes). */
    static final long FORM_FIELDS = 4L * 1024 * 1024;

    private static final Pattern MODEL_UPLOAD = Pattern.compile("/api/bounties/[^/]+/submissions/?");
    private static final Pattern DRAFT = Pattern.compile("/api/drafts/?");
    private static final Pattern SIGN_IN_MESSAGE = Pattern.compile("/api/auth/message/?");
    private static final Pattern TRANSACTION = Pattern.compile("/api/.+/transactions/[^/]+/?");

    @Inject
    RateLimiter limiter;

    @Inject
    AuthService auth;

    @Inject
    StorageConfig storage;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        // Before Quarkus's own handlers (the body handler is at Integer.MIN_VALUE + 1).
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    private void guard(RoutingContext context) {
        HttpServerRequest request = context.request();
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            context.next();
            return;
        }
        String path = request.path();
        Kind kind = MODEL_UPLOAD.matcher(path).matches() ? Kind.UPLOAD : DRAFT.matcher(path).matches() ? Kind.DRAFT
                : SIGN_IN_MESSAGE.matcher(path).matches() ? Kind.SIGN_IN
                : TRANSACTION.matcher(path).matches() ? Kind.TRANSACTION : null;
        if (kind != null && limited(context, kind, limiter.takeForAddress(kind, clientAddress(request)))) {
            return;
        }
        boolean upload = kind == Kind.UPLOAD || kind == Kind.DRAFT;
        if (!upload) {
            if (!withinJsonLimit(context)) {
                return;
            }
            if (kind != Kind.TRANSACTION || !hasCredentials(request)) {
                readSmallBody(context);
                return;
            }
        }
        // Uploads (always) and transactions (when they name an account) need to know the account first.
        request.pause();
        Optional<String> token = bearer(request);
        Optional<String> session = Optional.ofNullable(request.getCookie(CurrentUser.SESSION_COOKIE)).map(Cookie::getValue);
        context.vertx().<Optional<String>>executeBlocking(() -> QuarkusTransaction.requiringNew().call(() ->
                token.isPresent() ? auth.tokenOwner(token.get())
                        : session.flatMap(s -> auth.session(s)).map(s -> s.address)), false).onComplete(result -> {
                    if (result.failed()) {
                        Log.errorf(result.cause(), "Could not check the credentials of %s %s", method, path);
                        refuse(context, 503, "UNAVAILABLE", "Could not check who you are; try again in a moment.", null);
                        return;
                    }
                    Optional<String> account = result.result();
                    if (account.isEmpty()) {
                        if (upload) {
                            refuse(context, 401, "NOT_SIGNED_IN", "Sign in with your wallet (or send an API token as"
                                    + " 'Authorization: Bearer <token>') before uploading.", null);
                            return;
                        }
                    } else if (limited(context, kind, limiter.takeForAccount(kind, account.get()))) {
                        return;
                    }
                    if (upload) {
                        if (withinUploadLimit(context, kind)) {
                            // Left paused: the multipart reader sets its handlers and then asks for data; data let
                            // flow before that would be lost.
                            context.next();
                        }
                    } else {
                        readSmallBody(context);
                    }
                });
    }

    /** A request that is not an upload: refused at once when it announces more than {@link #JSON_LIMIT}. */
    private boolean withinJsonLimit(RoutingContext context) {
        long announced = contentLength(context.request());
        if (announced > JSON_LIMIT) {
            refuse(context, 413, "TOO_LARGE", "A request body here may have at most " + JSON_LIMIT + " bytes; this one"
                    + " announces " + announced + ". Only uploads (models, drafts) take more.", null);
            return false;
        }
        return true;
    }

    /**
     * Passes a body of known length on to be read where it is used; reads a chunked one here, counting, so that it
     * cannot grow past {@link #JSON_LIMIT} before anyone looks.
     */
    private void readSmallBody(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (contentLength(request) >= 0 || request.headers().get(HttpHeaders.TRANSFER_ENCODING) == null) {
            context.next();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > JSON_LIMIT) {
                refused[0] = true;
                refuse(context, 413, "TOO_LARGE", "A request body here may have at most " + JSON_LIMIT + " bytes;"
                        + " this one has more. Only uploads (models, drafts) take more.", null);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                ((RoutingContextInternal) context).setBody(body);
                context.next();
            }
        });
        request.resume();
    }

    private boolean withinUploadLimit(RoutingContext context, Kind kind) {
        long files = kind == Kind.UPLOAD ? storage.maxModelBytes() : 2 * storage.maxTestSetBytes();
        long announced = contentLength(context.request());
        if (announced > files + FORM_FIELDS) {
            String what = kind == Kind.UPLOAD ? "A model may have at most " + storage.maxModelBytes()
                    + " bytes (storage.max-model-bytes)" : "A draft's public sample and test set may have at most "
                    + storage.maxTestSetBytes() + " bytes each (storage.max-test-set-bytes)";
            refuse(context, 413, "TOO_LARGE", what + ", plus " + FORM_FIELDS + " bytes of other form fields; this"
                    + " request announces " + announced + " bytes.", null);
            return false;
        }
        return true;
    }

    private boolean limited(RoutingContext context, Kind kind, Duration wait) {
        if (wait.isZero()) {
            return false;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        refuse(context, 429, "RATE_LIMITED", "Too many " + kind.what + " from you. Try again in " + seconds
                + " seconds.", seconds);
        return true;
    }

    private void refuse(RoutingContext context, int status, String code, String message, Long retryAfterSeconds) {
        var response = context.response();
        if (response.ended()) {
            return;
        }
        String body;
        try {
            body = json.writeValueAsString(new ApiError(code, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (retryAfterSeconds != null) {
            response.putHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        // The body is not wanted: closing the connection after the answer stops the client sending it.
        response.putHeader(HttpHeaders.CONNECTION, "close");
        response.end(body);
    }

    private static boolean hasCredentials(HttpServerRequest request) {
        return bearer(request).isPresent() || request.getCookie(CurrentUser.SESSION_COOKIE) != null;
    }

    private static Optional<String> bearer(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.startsWith("Bearer ")
                ? Optional.of(authorization.substring("Bearer ".length()).strip()) : Optional.empty();
    }

    private static long contentLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The client's address: the connection's, or the proxy's forwarded one when forwarding is configured. */
    private static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
    }
}
