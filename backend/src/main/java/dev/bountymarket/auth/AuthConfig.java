package dev.bountymarket.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Sign-in settings. The address sign-in messages name is the site's ({@code web.public-url}, see SiteOrigin). */
@ConfigMapping(prefix = "auth")
public interface AuthConfig {

    /** How long a sign-in nonce, and so the message built on it, stays valid. */
    @WithDefault("10m")
    Duration nonceValidity();

    /** How often expired sign-in nonces are deleted. */
    @WithDefault("1m")
    Duration nonceCleanup();

    /** How long a browser session lasts. */
    @WithDefault("7d")
    Duration sessionValidity();

    /** Mark the session cookie Secure (only sent over HTTPS). On in production behind TLS. */
    @WithDefault("false")
    boolean secureCookie();
}
