package dev.bountymarket.chain;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The chain's JSON-RPC providers ({@code chain.rpc-urls}), in the order configured, and how each fared lately. Every
 * JSON-RPC call (reads and writes, of the indexer, the keeper, the watch and the pages) goes through
 * {@link #interceptor(Duration)}: it asks the first provider that is not backing off and, when that one fails (it
 * cannot be reached, it times out, or it answers an HTTP status other than 2xx, 429 "too many requests" included),
 * the next, within the same call. A provider that failed is skipped for a while that doubles with each failure in a
 * row ({@code chain.rpc-backoff} up to {@code chain.rpc-max-backoff}), or for as long as the Retry-After of its 429 (or 503) asks;
 * one answer ends its backoff. When every provider is backing off they are all asked anyway, the soonest due first:
 * a call never fails without trying.
 *
 * <p>A JSON-RPC error inside a 200 answer (a revert, "nonce too low", "already known") is the chain's word, the same
 * from any provider: it is passed on, not failed over.
 *
 * <p>Writes fail over too. That is safe for everything the server writes: {@code eth_sendRawTransaction} carries
 * signed bytes, so a second provider can only broadcast the very same transaction (same hash, same nonce); if the
 * first did take it before failing, the second answers "already known" (which the keeper takes as sent) or the chain
 * mines it once. The server never asks a provider to sign ({@code eth_sendTransaction}) except on the local chain's
 * dev wallet, which has one URL.
 *
 * <p>URLs often hold an API key: only their hosts appear in messages, logs, readiness and metrics.
 */
public final class RpcProviders {

    /** Every provider failed this call; the message names each one's problem by host. */
    public static final class AllFailed extends IOException {
        private final boolean timedOut;

        AllFailed(String message, boolean timedOut) {
            super(message);
            this.timedOut = timedOut;
        }

        /** Whether every provider asked timed out (they took the request and said nothing). */
        public boolean timedOut() {
            return timedOut;
        }
    }

    /** One provider and what it did lately. */
    private final class Slot {
        final int index;
        final String url;
        final HttpUrl httpUrl;
        final String host;
        final Counter answeredAfterFailover;
        int failures;
        long backedOffUntil;
        String problem;

        Slot(int index, String url) {
            this.index = index;
            this.url = url;
            this.httpUrl = HttpUrl.get(url);
            this.host = RpcUrls.host(url);
            this.answeredAfterFailover = registry == null ? null : Counter.builder("chain.rpc.failovers")
                    .description("JSON-RPC calls answered by this provider after an earlier one failed them")
                    .tag("provider", tag()).register(registry);
            if (registry != null) {
                Gauge.builder("chain.rpc.provider.backing.off", this, s -> s.backingOff() ? 1 : 0)
                        .description("1 while the provider is skipped after failing (backoff or Retry-After)")
                        .tag("provider", tag()).register(registry);
            }
        }

        String tag() {
            return (index + 1) + " " + host;
        }

        synchronized boolean backingOff() {
            return failures > 0 && backedOffUntil - clock.getAsLong() > 0;
        }

        synchronized long due() {
            return failures == 0 ? Long.MIN_VALUE : backedOffUntil;
        }

        synchronized void answered() {
            failures = 0;
            problem = null;
        }

        synchronized Duration failed(String why, Duration retryAfter) {
            failures++;
            Duration wait = backoff.multipliedBy(1L << Math.min(failures - 1, 20));
            wait = wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
            if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
                wait = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
            }
            backedOffUntil = clock.getAsLong() + wait.toNanos();
            problem = why;
            return wait;
        }
    }

    /** The longest a Retry-After is honoured: a provider asking for more is asked again after this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    private final MeterRegistry registry;
    private final List<Slot> slots;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final LongSupplier clock;

    /**
     * @param urls the providers, in the order to ask them; each an http(s) URL
     * @param registry where the failover metrics go, or null
     * @throws IllegalArgumentException naming the entry (by position and host only) that is not an http(s) URL
     */
    public RpcProviders(List<String> urls, Duration backoff, Duration maxBackoff, MeterRegistry registry) {
        this(urls, backoff, maxBackoff, registry, System::nanoTime);
    }

    RpcProviders(List<String> urls, Duration backoff, Duration maxBackoff, MeterRegistry registry, LongSupplier clock) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no JSON-RPC URL configured (chain.rpc-urls / CHAIN_RPC_URLS)");
        }
        this.registry = registry;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        List<Slot> all = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            String url = urls.get(i) == null ? "" : urls.get(i).strip();
            if (!url.matches("(?i)https?://\\S+") || HttpUrl.parse(url) == null) {
                throw new IllegalArgumentException("chain.rpc-urls entry " + (i + 1) + " (" + RpcUrls.host(url)
                        + ") is not an http(s) URL");
            }
            all.add(new Slot(i, url));
        }
        this.slots = List.copyOf(all);
    }

    /** The configured URLs, in order: for the server's own use only (they may hold keys). */
    public List<String> urls() {
        return slots.stream().map(s -> s.url).toList();
    }

    /** The providers' hosts, in order. */
    public List<String> hosts() {
        return slots.stream().map(s -> s.host).toList();
    }

    /** The host the next call goes to first. */
    public String activeHost() {
        return order().get(0).host;
    }

    /** The message with every configured URL in it replaced by its host. */
    public String redact(String message) {
        String redacted = message;
        for (Slot slot : slots) {
            redacted = RpcUrls.redact(redacted, slot.url);
        }
        return redacted;
    }

    /** The providers backing off now, each with its host and last problem. */
    public List<String> backingOff() {
        List<String> out = new ArrayList<>();
        for (Slot slot : slots) {
            synchronized (slot) {
                if (slot.backingOff()) {
                    out.add(slot.host + ": " + slot.problem);
                }
            }
        }
        return out;
    }

    /** The order to ask them in now: those not backing off as configured, then the rest, the soonest due first. */
    List<Slot> order() {
        List<Slot> ready = new ArrayList<>();
        List<Slot> waiting = new ArrayList<>();
        for (Slot slot : slots) {
            (slot.backingOff() ? waiting : ready).add(slot);
        }
        waiting.sort(Comparator.comparingLong(Slot::due));
        ready.addAll(waiting);
        return ready;
    }

    /**
     * The OkHttp interceptor that sends each call to the providers in turn, each attempt with {@code timeout} to
     * connect, to write and between reads. The clients of the application share one {@code RpcProviders}, so what
     * one learns (the watch's short reads notice a hung provider first) spares the others the wait.
     */
    public Interceptor interceptor(Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return chain -> {
            Request request = chain.request();
            Interceptor.Chain attempt = chain.withConnectTimeout(millis, TimeUnit.MILLISECONDS)
                    .withReadTimeout(millis, TimeUnit.MILLISECONDS).withWriteTimeout(millis, TimeUnit.MILLISECONDS);
            List<String> problems = new ArrayList<>();
            boolean allTimedOut = true;
            IOException only = null;
            for (Slot slot : order()) {
                if (chain.call().isCanceled()) {
                    break;
                }
                String why;
                Duration retryAfter = null;
                boolean timedOut = false;
                try {
                    Response response = attempt.proceed(request.newBuilder().url(slot.httpUrl).build());
                    if (response.isSuccessful()) {
                        slot.answered();
                        if (!problems.isEmpty() && slot.answeredAfterFailover != null) {
                            slot.answeredAfterFailover.increment();
                        }
                        return response;
                    }
                    why = "HTTP " + response.code();
                    if (response.code() == 429 || response.code() == 503) {
                        retryAfter = retryAfter(response.header("Retry-After")).orElse(null);
                    }
                    response.close();
                } catch (IOException e) {
                    timedOut = e instanceof InterruptedIOException;
                    why = timedOut ? "no answer within " + timeout.toMillis() + " ms"
                            : e instanceof ConnectException ? "cannot connect" : redact(String.valueOf(e.getMessage()));
                    only = problems.isEmpty() ? e : null;
                }
                allTimedOut &= timedOut;
                Duration wait = slot.failed(why, retryAfter);
                problems.add(slot.host + ": " + why);
                count(slot, why);
                if (slots.size() > 1) {
                    // With one provider there is nothing to skip to: its callers report the failure as before.
                    Log.warnf("JSON-RPC provider %s failed (%s); skipping it for %d ms, asking the next",
                            slot.tag(), why, wait.toMillis());
                }
            }
            if (problems.size() == 1 && only != null) {
                throw only; // one provider, one attempt: its own exception, as a plain client would see it
            }
            throw new AllFailed("every JSON-RPC provider failed: " + String.join("; ", problems), allTimedOut);
        };
    }

    private void count(Slot slot, String why) {
        if (registry != null) {
            String reason = why.startsWith("HTTP 429") ? "rate_limited" : why.startsWith("HTTP ") ? "http_error"
                    : why.startsWith("no answer") ? "timeout" : "unreachable";
            registry.counter("chain.rpc.failures", "provider", slot.tag(), "reason", reason).increment();
        }
    }

    /** A Retry-After header's wait: delta-seconds or an HTTP date (RFC 9110); empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT));
            Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
