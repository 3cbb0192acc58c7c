package dev.bountymarket.notification;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** In-app notifications and webhook delivery. */
@ConfigMapping(prefix = "notifications")
public interface NotificationConfig {

    /**
     * Whether this process runs the webhook sender and the deadline sweep on the scheduler. Every server may: senders
     * share the outbox through leases, and the sweep writes each notification once.
     */
    @WithDefault("true")
    boolean background();

    /** How often the sender looks for due deliveries (and the deadline sweep for bounties closing soon). */
    @WithDefault("2s")
    Duration interval();

    /** Deliveries one sender takes per round. */
    @WithDefault("20")
    int batch();

    /** How long a receiver may take to connect and answer; a slower one counts as a failed attempt. */
    @WithDefault("10s")
    Duration timeout();

    /** How long a delivery's lease lasts: a sender that dies mid-send leaves it to be taken again after this. */
    @WithDefault("60s")
    Duration lease();

    /** Attempts before a delivery fails for good. */
    @WithDefault("8")
    int maxAttempts();

    /** Wait before the first retry, doubled for each further one (30 s, 1 min, 2 min, ... about an hour at the 8th). */
    @WithDefault("30s")
    Duration retryBackoff();

    /**
     * Private, loopback or link-local IP addresses that webhooks may reach anyway (exact addresses, e.g. 127.0.0.1).
     * By default none: a webhook pointing into the server's own network is refused, so nobody can make the server
     * call its database, metadata service or admin ports.
     */
    Optional<List<String>> allowedPrivateAddresses();

    /** How long before a submission deadline its contributors and sponsor are told it is near. */
    @WithDefault("24h")
    Duration deadlineWarning();

    /** Webhooks per account. */
    @WithDefault("5")
    int maxWebhooks();
}
