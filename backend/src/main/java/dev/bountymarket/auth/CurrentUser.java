package dev.bountymarket.auth;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import dev.bountymarket.auth.AuthException.Code;
import dev.bountymarket.web.SiteOrigin;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who is making this request: a browser session (cookie) or a script (Authorization: Bearer API token). Resolved on
 * first use, on the request's worker thread.
 */
@RequestScoped
public class CurrentUser {

    public static final String SESSION_COOKIE = "bm_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    HttpHeaders headers;

    @Inject
    HttpServerRequest request;

    @Inject
    AuthService auth;

    @Inject
    SiteOrigin siteOrigin;

    private boolean resolved;
    private String address;
    private Session session;

    /** The signed-in address, if any. */
    public Optional<String> address() {
        if (!resolved) {
            resolved = true;
            String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.startsWith("Bearer ")) {
                address = auth.tokenOwner(authorization.substring("Bearer ".length()).strip()).orElse(null);
            } else {
                Cookie cookie = headers.getCookies().get(SESSION_COOKIE);
                if (cookie != null) {
                    session = auth.session(cookie.getValue()).orElse(null);
                    address = session == null ? null : session.address;
                }
            }
        }
        return Optional.ofNullable(address);
    }

    /** The browser session behind this request, if it came with a session cookie. */
    public Optional<Session> session() {
        address();
        return Optional.ofNullable(session);
    }

    /** The signed-in address, or 401. */
    public String require() {
        return address().orElseThrow(() -> new AuthException(Code.NOT_SIGNED_IN,
                "Sign in with your wallet (or send an API token as 'Authorization: Bearer <token>')."));
    }

    /**
     * The signed-in address for a request that changes something, or 401/403. A request authenticated by the session
     * cookie must also carry the session's CSRF token, since a browser attaches the cookie to requests other sites
     * make it send; a bearer token is never attached by a browser, so it needs none.
     */
    public String requireForChange() {
        String signedIn = require();
        if (session != null && !SAFE_METHODS.contains(request.method().name())) {
            String sent = headers.getHeaderString(CSRF_HEADER);
            if (sent == null || !java.security.MessageDigest.isEqual(sent.getBytes(), session.csrfToken.getBytes())) {
                throw new AuthException(Code.CSRF_TOKEN_MISSING,
                        "This request needs the " + CSRF_HEADER + " header of your session; reload the page and retry.");
            }
        }
        return signedIn;
    }

    /** Rejects a state-changing request a browser sent from another site's page. */
    public void requireSameOrigin() {
        String origin = headers.getHeaderString("Origin");
        if (origin != null && !siteOrigin.of(request).map(origin::equals).orElse(false)) {
            throw new AuthException(Code.FORBIDDEN, "Requests from " + origin + " are not accepted.");
        }
    }

    /**
     * Accepts only a request that a page of this site sent (its Origin header names this site): for what a request
     * without an Origin, from a script or another program on this machine, must not do either.
     */
    public void requireOwnPage() {
        String origin = headers.getHeaderString("Origin");
        if (origin == null) {
            throw new AuthException(Code.FORBIDDEN, "This is for this site's own pages: the request has no Origin header.");
        }
        requireSameOrigin();
    }
}
