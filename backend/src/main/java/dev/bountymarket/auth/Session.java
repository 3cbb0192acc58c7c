package dev.bountymarket.auth;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** A signed-in browser. The cookie carries a random token; only its hash is stored. */
@Entity
@Table(name = "session")
public class Session extends PanacheEntity {

    @Column(name = "token_hash", nullable = false, unique = true)
    public String tokenHash;

    @Column(nullable = false)
    public String address;

    /** Sent back by the page with every state-changing request (header X-CSRF-Token or form field _csrf). */
    @Column(name = "csrf_token", nullable = false)
    public String csrfToken;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public static Optional<Session> findLive(String tokenHash, Instant now) {
        return find("tokenHash = ?1 and revokedAt is null and expiresAt > ?2", tokenHash, now).firstResultOptional();
    }
}
