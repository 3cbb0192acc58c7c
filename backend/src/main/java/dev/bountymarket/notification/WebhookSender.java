package dev.bountymarket.notification;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Sends the webhook outbox. Any number of servers run it at once: each leases due deliveries with {@code FOR UPDATE
 * SKIP LOCKED} (the evaluation queue's shape), so two never hold the same one, and a sender that dies mid-send leaves
 * its lease to expire and the delivery to be taken again. That makes delivery at least once: a receiver dedupes on
 * {@code X-Bountymarket-Delivery}. Only the holder of the current lease (owner and attempt) records the outcome.
 * It runs on every server rather than on the leader because it is all waiting on strangers' servers: spread out, one
 * slow receiver holds up one sender's batch, and nothing about it needs a single writer.
 * <p>
 * Each POST is signed: {@code X-Bountymarket-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}.
 * The timestamp is inside what is signed, so a receiver that refuses old timestamps refuses a replayed request.
 */
@ApplicationScoped
public class WebhookSender {

    public static final String SIGNATURE_HEADER = "X-Bountymarket-Signature";
    public static final String DELIVERY_HEADER = "X-Bountymarket-Delivery";
    public static final String EVENT_HEADER = "X-Bountymarket-Event";

    private final String owner = "sender-" + UUID.randomUUID();

    @Inject
    EntityManager em;

    @Inject
    NotificationConfig config;

    @Inject
    WebhookAddresses addresses;

    @Inject
    ObjectMapper json;

    @Inject
    Vertx vertx;

    private volatile HttpClient client;

    /** A delivery leased for sending, with what it sends and where. */
    record Leased(long id, int attempt, String url, String secret, String kind, Map<String, Object> payload) {
    }

    @Scheduled(every = "${notifications.interval:2s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.background()) {
            deliverDue();
        }
    }

    /** One round: leases up to {@code notifications.batch} due deliveries and sends them together. @return how many */
    public int deliverDue() {
        List<Leased> leased = lease();
        List<CompletableFuture<Integer>> sent = new ArrayList<>(leased.size());
        List<String> refused = new ArrayList<>(leased.size());
        for (Leased delivery : leased) {
            String refusal = null;
            CompletableFuture<Integer> answer = null;
            try {
                answer = send(delivery);
            } catch (WebhookAddresses.Refused e) {
                refusal = e.getMessage();
            } catch (RuntimeException e) {
                // Whatever a stored URL does to the client, the delivery is recorded as failed, not left leased.
                refusal = "Could not send: " + e.getMessage();
            }
            sent.add(answer);
            refused.add(refusal);
        }
        long deadline = System.nanoTime() + config.timeout().toNanos() + Duration.ofSeconds(1).toNanos();
        for (int i = 0; i < leased.size(); i++) {
            Leased delivery = leased.get(i);
            if (refused.get(i) != null) {
                recordFailure(delivery, null, refused.get(i));
                continue;
            }
            try {
                int status = sent.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (status >= 200 && status < 300) {
                    recordSuccess(delivery, status);
                } else {
                    recordFailure(delivery, status, "The receiver answered HTTP " + status + ".");
                }
            } catch (TimeoutException e) {
                sent.get(i).cancel(true);
                recordFailure(delivery, null, tooSlow());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                boolean slow = cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout");
                recordFailure(delivery, null, slow ? tooSlow()
                        : "Could not deliver: " + cause.getClass().getSimpleName()
                                + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return i;
            }
        }
        return leased.size();
    }

    private String tooSlow() {
        return "The receiver did not answer within " + config.timeout().toSeconds() + " s.";
    }

    /** The signature header's value for a body sent at {@code timestamp} (unix seconds). */
    public static String signature(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private CompletableFuture<Integer> send(Leased delivery) throws WebhookAddresses.Refused {
        // Resolved and checked again now, and the connection made to the address checked (see WebhookAddresses).
        WebhookAddresses.Target target = addresses.check(delivery.url());
        long timestamp = Instant.now().getEpochSecond();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("deliveryId", delivery.id());
        payload.put("timestamp", timestamp);
        payload.putAll(delivery.payload());
        byte[] body;
        try {
            body = json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(target.url().toString())
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setFollowRedirects(false)
                .setConnectTimeout(config.timeout().toMillis())
                .setIdleTimeout(config.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "bountymarket-webhooks/1")
                .putHeader(SIGNATURE_HEADER, signature(delivery.secret(), timestamp, body))
                .putHeader(DELIVERY_HEADER, Long.toString(delivery.id()))
                .putHeader(EVENT_HEADER, delivery.kind());
        return client().request(request)
                .compose(r -> r.send(Buffer.buffer(body)))
                .map(response -> {
                    // The answer's body is not wanted: the connection is closed rather than read to its end.
                    int status = response.statusCode();
                    response.request().connection().close();
                    return status;
                })
                .toCompletionStage().toCompletableFuture();
    }

    private HttpClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                            .setConnectTimeout((int) config.timeout().toMillis()).setVerifyHost(true)
                            .setMaxPoolSize(Math.max(1, config.batch())));
                }
            }
        }
        return client;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Leased> lease() {
        em.createNativeQuery("""
                UPDATE webhook_delivery
                   SET status = 'FAILED', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL,
                       last_error = 'The sender stopped without an answer on the last attempt.'
                 WHERE status = 'SENDING' AND lease_expires_at < now() AND attempts >= ?1""")
                .setParameter(1, config.maxAttempts()).executeUpdate();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                WITH leased AS (
                    UPDATE webhook_delivery
                       SET status = 'SENDING', lease_owner = ?1, attempts = attempts + 1,
                           lease_expires_at = now() + make_interval(secs => ?2)
                     WHERE id IN (SELECT id FROM webhook_delivery
                                   WHERE (status = 'PENDING' AND run_after <= now())
                                      OR (status = 'SENDING' AND lease_expires_at < now())
                                   ORDER BY run_after, id
                                   LIMIT ?3
                                   FOR UPDATE SKIP LOCKED)
                    RETURNING id, attempts, webhook_id, notification_id)
                SELECT l.id, l.attempts, w.url, w.secret, n.kind, n.id AS nid, n.recipient, n.bounty_id, n.title,
                       n.body, n.link, n.created_at
                  FROM leased l JOIN webhook w ON w.id = l.webhook_id JOIN notification n ON n.id = l.notification_id
                 ORDER BY l.id""")
                .setParameter(1, owner).setParameter(2, (double) config.lease().toMillis() / 1000)
                .setParameter(3, config.batch()).getResultList();
        List<Leased> leased = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            Map<String, Object> notification = new LinkedHashMap<>();
            notification.put("id", ((Number) row[5]).longValue());
            notification.put("kind", row[4]);
            notification.put("recipient", row[6]);
            notification.put("bountyId", row[7] == null ? null : ((Number) row[7]).longValue());
            notification.put("title", row[8]);
            notification.put("body", row[9]);
            notification.put("link", row[10]);
            notification.put("createdAt", instant(row[11]).toString());
            leased.add(new Leased(((Number) row[0]).longValue(), ((Number) row[1]).intValue(), (String) row[2],
                    (String) row[3], (String) row[4], Map.of("notification", notification)));
        }
        return leased;
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return Instant.parse(String.valueOf(value));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void recordSuccess(Leased delivery, int status) {
        em.createNativeQuery("""
                UPDATE webhook_delivery
                   SET status = 'DELIVERED', response_status = ?1, last_error = NULL, finished_at = now(),
                       lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ?2 AND lease_owner = ?3 AND attempts = ?4 AND status = 'SENDING'""")
                .setParameter(1, status).setParameter(2, delivery.id()).setParameter(3, owner)
                .setParameter(4, delivery.attempt()).executeUpdate();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void recordFailure(Leased delivery, Integer status, String error) {
        Duration backoff = config.retryBackoff().multipliedBy(1L << Math.min(delivery.attempt() - 1, 16));
        String message = error.length() > 500 ? error.substring(0, 500) + "…" : error;
        int updated = em.createNativeQuery("""
                UPDATE webhook_delivery
                   SET status = CASE WHEN attempts >= ?1 THEN 'FAILED' ELSE 'PENDING' END,
                       run_after = now() + make_interval(secs => ?2),
                       finished_at = CASE WHEN attempts >= ?1 THEN now() END,
                       response_status = CAST(?3 AS INTEGER), last_error = ?4, lease_owner = NULL, lease_expires_at = NULL
                 WHERE id = ?5 AND lease_owner = ?6 AND attempts = ?7 AND status = 'SENDING'""")
                .setParameter(1, config.maxAttempts()).setParameter(2, (double) backoff.toMillis() / 1000)
                .setParameter(3, status).setParameter(4, message).setParameter(5, delivery.id())
                .setParameter(6, owner).setParameter(7, delivery.attempt()).executeUpdate();
        if (updated == 1) {
            Log.debugf("Webhook delivery %d, attempt %d: %s", delivery.id(), delivery.attempt(), message);
        }
    }
}
