package dev.bountymarket.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A nonce for one EIP-4361 sign-in: valid until it expires or is used, whichever comes first. */
@Entity
@Table(name = "sign_in_nonce")
public class SignInNonce extends PanacheEntityBase {

    @Id
    public String nonce;

    @Column(name = "issued_at", nullable = false)
    public Instant issuedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    /**
     * Marks the nonce used if it is unused and unexpired. One UPDATE, so that two concurrent sign-ins with the same
     * nonce cannot both succeed.
     *
     * @return whether this call consumed it
     */
    public static boolean consume(String nonce, Instant now) {
        return update("usedAt = ?1 where nonce = ?2 and usedAt is null and expiresAt > ?1", now, nonce) == 1;
    }

    public static long deleteExpired(Instant now) {
        return delete("expiresAt < ?1", now);
    }
}
