package dev.bountymarket.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Sign-in settings. */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** The domain (host[:port]) sign-in messages must name: the address users reach the marketplace at. */
    @WithDefault("localhost:8080")
    String domain();

    /** The URI sign-in messages name. */
    @WithDefault("http://localhost:8080")
    String uri();

    /** How long a sign-in nonce, and so the message built on it, stays valid. */
    @WithDefault("10m")
    Duration nonceValidity();

    /** How long a browser session lasts. */
    @WithDefault("7d")
    Duration sessionValidity();

    /** Mark the session cookie Secure (only sent over HTTPS). On in production behind TLS. */
    @WithDefault("false")
    boolean secureCookie();
}
