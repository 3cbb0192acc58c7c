package dev.bountymarket.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * The origin (scheme://host[:port]) a request reached the site at, when the operator allows it: {@code web.public-url}
 * when set; else the address the server listens at, as the client named it (the request's authority: HTTP/1.1's Host
 * header, HTTP/2's {@code :authority}, which may come without a Host header) on the port the
 * connection came in on, and on a loopback or all-interfaces listener any loopback name (localhost, 127.0.0.1,
 * [::1]). Sign-in messages name this origin, and changes from browsers must come from it.
 */
@ApplicationScoped
public class SiteOrigin {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> ALL_INTERFACES = Set.of("0.0.0.0", "[::]", "::");

    @Inject
    WebConfig config;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost")
    String listenHost;

    /** The allowed origin of this request, without a trailing slash; empty when the operator does not allow it. */
    public Optional<String> of(HttpServerRequest request) {
        if (config.publicUrl().isPresent()) {
            return Optional.of(origin(URI.create(config.publicUrl().get().strip())));
        }
        String authority = authority(request);
        if (authority == null || request.localAddress() == null) {
            return Optional.empty();
        }
        String scheme = request.isSSL() ? "https" : "http";
        URI asked;
        try {
            asked = new URI(scheme + "://" + authority);
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
        if (asked.getHost() == null || asked.getRawUserInfo() != null || (asked.getRawPath() != null && !asked.getRawPath().isEmpty())) {
            return Optional.empty();
        }
        String host = asked.getHost().toLowerCase(Locale.ROOT);
        int port = asked.getPort() < 0 ? (request.isSSL() ? 443 : 80) : asked.getPort();
        if (port != request.localAddress().port()) {
            return Optional.empty();
        }
        String listening = listenHost.toLowerCase(Locale.ROOT);
        boolean allowed = host.equals(listening) || (LOOPBACK.contains(host)
                && (LOOPBACK.contains(listening) || ALL_INTERFACES.contains(listening) || listening.equals("::1")));
        return allowed ? Optional.of(origin(asked)) : Optional.empty();
    }

    /** What to tell someone whose request came to an address the operator did not allow. */
    public String notAllowed(HttpServerRequest request) {
        return "This marketplace does not answer sign-ins at " + authority(request) + ": open it at the address"
                + " its operator set, or, as the operator, set web.public-url (WEB_PUBLIC_URL) to the address users open.";
    }

    /**
     * host[:port] as the client named it: the Host header on HTTP/1.x, the {@code :authority} pseudo-header on HTTP/2
     * (Vert.x parses both); null when there is none, or it does not parse.
     */
    private static String authority(HttpServerRequest request) {
        HostAndPort authority = request.authority();
        if (authority == null || authority.host() == null || authority.host().isEmpty()) {
            return null;
        }
        String host = authority.host();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return authority.port() >= 0 ? host + ":" + authority.port() : host;
    }

    static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean defaultPort = uri.getPort() < 0 || (scheme.equals("http") && uri.getPort() == 80)
                || (scheme.equals("https") && uri.getPort() == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + uri.getPort());
    }
}
