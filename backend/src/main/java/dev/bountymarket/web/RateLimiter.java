package dev.bountymarket.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.quarkus.scheduler.Scheduled;

/**
 * Token buckets (Bucket4j) per kind of request and per client address or account, from {@link RateLimitConfig}.
 * Buckets that have filled up again are dropped every few minutes, so a stream of new addresses costs memory only for
 * as long as their allowance takes to refill.
 */
@ApplicationScoped
public class RateLimiter {

    /** The costly kinds of request, each with its allowances. */
    public enum Kind {
        SIGN_IN("sign-in messages"), UPLOAD("model uploads"), DRAFT("bounty drafts"), TRANSACTION("transactions");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    @Inject
    RateLimitConfig config;

    private record Allowance(Bucket bucket, int capacity) {
    }

    private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();

    /** Takes one request from the client address's allowance: how long to wait, or zero when it may go ahead. */
    public Duration takeForAddress(Kind kind, String address) {
        int limit = switch (kind) {
            case SIGN_IN -> config.signInPerAddress();
            case UPLOAD -> config.uploadPerAddress();
            case DRAFT -> config.draftPerAddress();
            case TRANSACTION -> config.transactionPerAddress();
        };
        return take(kind + " address " + address, limit);
    }

    /** Takes one request from the account's allowance: how long to wait, or zero when it may go ahead. */
    public Duration takeForAccount(Kind kind, String account) {
        int limit = switch (kind) {
            case SIGN_IN -> Integer.MAX_VALUE;
            case UPLOAD -> config.uploadPerAccount();
            case DRAFT -> config.draftPerAccount();
            case TRANSACTION -> config.transactionPerAccount();
        };
        return take(kind + " account " + account, limit);
    }

    public boolean enabled() {
        return config.enabled();
    }

    private Duration take(String key, int limit) {
        if (!config.enabled() || limit == Integer.MAX_VALUE) {
            return Duration.ZERO;
        }
        Allowance allowance = allowances.computeIfAbsent(key, k -> new Allowance(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit).refillGreedy(limit, config.window()).build()).build(), limit));
        ConsumptionProbe probe = allowance.bucket().tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
    }

    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetFullBuckets() {
        allowances.values().removeIf(a -> a.bucket().getAvailableTokens() >= a.capacity());
    }
}
