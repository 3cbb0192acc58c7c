package dev.bountymarket.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import dev.bountymarket.web.SiteOrigin;
import io.vertx.core.http.HttpServerRequest;

/** Sign-in with Ethereum, sessions and API tokens, under /api/auth. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    AuthService auth;

    @Inject
    CurrentUser currentUser;

    @Inject
    AuthConfig config;

    @Inject
    jakarta.ws.rs.core.HttpHeaders headers;

    @Inject
    SiteOrigin siteOrigin;

    @Inject
    HttpServerRequest request;

    public record MessageRequest(String address) {
    }

    public record MessageResponse(String message, String nonce, Instant expiresAt) {
    }

    public record SignInRequest(String message, String signature) {
    }

    public record Me(String address, String csrfToken) {
    }

    public record TokenRequest(String name) {
    }

    public record TokenView(long id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
        static TokenView of(ApiToken token) {
            return new TokenView(token.id, token.name, token.createdAt, token.lastUsedAt, token.revokedAt);
        }
    }

    public record CreatedTokenView(long id, String name, String token) {
    }

    /** A sign-in message with a fresh single-use nonce, for the wallet to sign (personal_sign). */
    @POST
    @Path("/message")
    public MessageResponse message(MessageRequest request) {
        SiweMessage message = auth.prepare(request == null ? null : request.address(), origin());
        return new MessageResponse(message.text(), message.nonce(), message.expirationTime());
    }

    /** Checks the signed message and sets the session cookie (HttpOnly, SameSite=Lax). */
    @POST
    @Path("/sign-in")
    public Response signIn(SignInRequest request) {
        currentUser.requireSameOrigin();
        AuthService.SignedIn signedIn = auth.signIn(request == null ? null : request.message(),
                request == null ? null : request.signature(), origin());
        int maxAge = (int) Duration.between(Instant.now(), signedIn.expiresAt()).toSeconds();
        return Response.ok(new Me(signedIn.address(), signedIn.csrfToken()))
                .cookie(sessionCookie(signedIn.sessionToken(), maxAge)).build();
    }

    @POST
    @Path("/sign-out")
    public Response signOut() {
        currentUser.requireForChange();
        currentUser.session().ifPresent(s -> auth.signOut(cookieValue()));
        return Response.noContent().cookie(sessionCookie("", 0)).build();
    }

    /** Who is signed in, and the CSRF token the page must send with changes. */
    @GET
    @Path("/me")
    public Me me() {
        String address = currentUser.require();
        return new Me(address, currentUser.session().map(s -> s.csrfToken).orElse(null));
    }

    @GET
    @Path("/tokens")
    public List<TokenView> tokens() {
        return auth.tokens(currentUser.require()).stream().map(TokenView::of).toList();
    }

    /** A new API token; its secret is in this response only. */
    @POST
    @Path("/tokens")
    public Response createToken(TokenRequest request) {
        String address = currentUser.requireForChange();
        AuthService.CreatedToken created = auth.createToken(address, request == null ? null : request.name());
        return Response.status(Response.Status.CREATED)
                .entity(new CreatedTokenView(created.token().id, created.token().name, created.secret())).build();
    }

    @DELETE
    @Path("/tokens/{id}")
    public Response revokeToken(@PathParam("id") long id) {
        auth.revokeToken(currentUser.requireForChange(), id);
        return Response.noContent().build();
    }

    /** Where the site was opened, if its operator allows sign-in there. */
    private String origin() {
        return siteOrigin.of(request).orElseThrow(() -> new AuthException(AuthException.Code.INVALID_MESSAGE,
                siteOrigin.notAllowed(request)));
    }

    private String cookieValue() {
        return headers.getCookies().get(CurrentUser.SESSION_COOKIE).getValue();
    }

    private NewCookie sessionCookie(String value, int maxAge) {
        return new NewCookie.Builder(CurrentUser.SESSION_COOKIE).value(value).path("/").maxAge(maxAge)
                .httpOnly(true).secure(config.secureCookie()).sameSite(NewCookie.SameSite.LAX).build();
    }
}
