package dev.bountymarket.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.validation.constraints.Pattern;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Someone who signed in: identified by their Ethereum address, nothing else. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    /** Lower-case 0x-prefixed address. */
    @Id
    @Pattern(regexp = "0x[0-9a-f]{40}")
    public String address;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The account of this address, created on first sign-in. */
    public static Account findOrCreate(String address, Instant now) {
        Account account = findById(address);
        if (account == null) {
            account = new Account();
            account.address = address;
            account.createdAt = now;
            account.persist();
        }
        return account;
    }
}
