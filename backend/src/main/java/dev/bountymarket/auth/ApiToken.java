package dev.bountymarket.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** A bearer token for scripts and the command line, acting as the account that created it until revoked. */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntity {

    @Column(name = "token_hash", nullable = false, unique = true)
    public String tokenHash;

    @Column(nullable = false)
    public String address;

    @NotBlank
    @Size(max = 100)
    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public static Optional<ApiToken> findLive(String tokenHash) {
        return find("tokenHash = ?1 and revokedAt is null", tokenHash).firstResultOptional();
    }

    public static List<ApiToken> listOf(String address) {
        return list("address = ?1 order by createdAt desc", address);
    }
}
