package dev.bountymarket.notification;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** Something that happened which one address cares about; written once (see {@link Notifications#notify}). */
@Entity
@Table(name = "notification")
public class Notification extends PanacheEntity {

    /** The address it is for (lower-case). */
    @Column(nullable = false)
    public String recipient;

    /** What happened, one of {@link Kind}'s names (a string so that new kinds need no migration). */
    @Column(nullable = false)
    public String kind;

    @Column(name = "bounty_id")
    public Long bountyId;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String body;

    /** The page to look at, a path on this site. */
    @Column(nullable = false)
    public String link;

    @Column(name = "dedupe_key", nullable = false)
    public String dedupeKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "read_at")
    public Instant readAt;

    /** The kinds of notification. */
    public enum Kind {
        SCORED, OVERTAKEN, BOUNTY_OPEN, RESULTS_POSTED, TEST_SET_REVEALED, CHALLENGE_OPENED, CHALLENGE_SETTLED,
        FINALIZED, CANCELLED, EXPIRED, PAID, CREDITED, WITHDRAWN, DEADLINE_NEAR
    }

    /** The newest first. */
    public static List<Notification> latest(String recipient, int limit) {
        return find("recipient = ?1 order by id desc", recipient).page(0, limit).list();
    }

    public static long unread(String recipient) {
        return count("recipient = ?1 and readAt is null", recipient);
    }
}
