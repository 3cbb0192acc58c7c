package dev.bountymarket.notification;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** An address's webhook: every notification for the owner is POSTed to the URL, signed with the secret. */
@Entity
@Table(name = "webhook")
public class Webhook extends PanacheEntity {

    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String url;

    /** The HMAC-SHA256 key, hex; shown to the owner once, at creation. */
    @Column(nullable = false)
    public String secret;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static List<Webhook> ofOwner(String owner) {
        return list("owner = ?1 order by id", owner);
    }
}
