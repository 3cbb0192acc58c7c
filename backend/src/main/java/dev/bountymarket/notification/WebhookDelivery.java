package dev.bountymarket.notification;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** One notification to send to one webhook: the outbox row and, once tried, its log. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery extends PanacheEntity {

    public enum Status {
        PENDING, SENDING, DELIVERED, FAILED
    }

    @Column(name = "webhook_id", nullable = false)
    public long webhookId;

    @Column(name = "notification_id", nullable = false)
    public long notificationId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "run_after", nullable = false)
    public Instant runAfter;

    @Column(name = "lease_owner")
    public String leaseOwner;

    @Column(name = "lease_expires_at")
    public Instant leaseExpiresAt;

    /** The receiver's HTTP status on the last attempt, if it answered. */
    @Column(name = "response_status")
    public Integer responseStatus;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    /** A webhook's deliveries, the newest first. */
    public static List<WebhookDelivery> ofWebhook(long webhookId, int limit) {
        return find("webhookId = ?1 order by id desc", webhookId).page(0, limit).list();
    }
}
