package dev.bountymarket.web;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How many requests of each costly kind one client address, and one account, may make per {@link #window()}. The
 * client address is the connection's, or the proxy's X-Forwarded-For when quarkus.http.proxy.proxy-address-forwarding
 * is on. Counts are kept in memory, per server process.
 */
@ConfigMapping(prefix = "rate-limit")
public interface RateLimitConfig {

    /** Whether the limits apply at all. */
    @WithDefault("true")
    boolean enabled();

    /** The period each count below is for; a spent allowance refills gradually over it. */
    @WithDefault("1m")
    Duration window();

    /** Sign-in messages (POST /api/auth/message, each a stored nonce) per client address. */
    @WithDefault("30")
    int signInPerAddress();

    /** Model uploads per client address. */
    @WithDefault("30")
    int uploadPerAddress();

    /** Model uploads per account. */
    @WithDefault("10")
    int uploadPerAccount();

    /** Bounty drafts (POST /api/drafts) per client address. */
    @WithDefault("30")
    int draftPerAddress();

    /** Bounty drafts per account. */
    @WithDefault("10")
    int draftPerAccount();

    /** Prepared wallet transactions (POST .../transactions/...) per client address. */
    @WithDefault("120")
    int transactionPerAddress();

    /** Prepared wallet transactions per account. */
    @WithDefault("60")
    int transactionPerAccount();
}
