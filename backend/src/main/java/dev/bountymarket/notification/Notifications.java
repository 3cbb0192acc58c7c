package dev.bountymarket.notification;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.evaluator.report.Decimals;
import dev.bountymarket.notification.Notification.Kind;
import dev.bountymarket.submission.Submission;

/**
 * Writes notifications and their webhook outbox rows, in the caller's transaction: a notification exists exactly
 * when what it reports was committed, and its deliveries with it, so a restart loses none. Each notification is
 * written at most once per recipient (its dedupe key), so every server may call this without coordinating.
 */
@ApplicationScoped
@Named("notifications")
public class Notifications {

    /** How far down the live board an overtaken model's contributor is still told (bounds the fan-out). */
    static final int OVERTAKEN_TOP = 10;

    @Inject
    EntityManager em;

    /** One notification for one address, and a delivery for each of its webhooks; nothing if it exists already. */
    public void notify(String recipient, Kind kind, Long bountyId, String title, String body, String link,
            String dedupeKey) {
        if (recipient == null) {
            return;
        }
        em.createNativeQuery("""
                WITH n AS (
                    INSERT INTO notification (id, recipient, kind, bounty_id, title, body, link, dedupe_key, created_at)
                    VALUES (nextval('notification_seq'), ?1, ?2, CAST(?3 AS BIGINT), ?4, ?5, ?6, ?7, now())
                    ON CONFLICT (recipient, dedupe_key) DO NOTHING
                    RETURNING id, recipient)
                INSERT INTO webhook_delivery (id, webhook_id, notification_id, status, attempts, run_after, created_at)
                SELECT nextval('webhook_delivery_seq'), w.id, n.id, 'PENDING', 0, now(), now()
                  FROM n JOIN webhook w ON w.owner = n.recipient""")
                .setParameter(1, recipient).setParameter(2, kind.name()).setParameter(3, bountyId)
                .setParameter(4, title).setParameter(5, body).setParameter(6, link).setParameter(7, dedupeKey)
                .executeUpdate();
    }

    /** The same notification for each of several addresses (each address once). */
    public void notifyAll(Collection<String> recipients, Kind kind, Long bountyId, String title, String body,
            String link, String dedupeKey) {
        new LinkedHashSet<>(recipients).stream().filter(Objects::nonNull)
                .forEach(r -> notify(r, kind, bountyId, title, body, link, dedupeKey));
    }

    /** Everyone a bounty's progress concerns: its sponsor and every contributor with a committed model. */
    public Set<String> participants(Bounty bounty) {
        Set<String> all = new LinkedHashSet<>();
        all.add(bounty.sponsor);
        all.addAll(em.createQuery("select distinct s.contributor from Submission s where s.bountyId = ?1"
                + " and s.chainIndex is not null", String.class).setParameter(1, bounty.id).getResultList());
        return all;
    }

    /**
     * A committed submission has its live-board score: its contributor is told the score, and the contributors whose
     * best model near the top it now beats are told they were overtaken. Called when the score is recorded for a
     * committed model (a LIVE job, on the hidden live part of the test set).
     */
    public void liveScore(Bounty bounty, Submission submission) {
        if (submission.chainIndex == null || submission.liveScore == null) {
            return;
        }
        String score = Decimals.plain(submission.liveScore);
        notify(submission.contributor, Kind.SCORED, bounty.id, "Your model scored " + score,
                "Your model (submission #" + submission.id + ") on \"" + bounty.title + "\" scored " + score
                        + " on the live board.",
                "/submissions/" + submission.id, "scored:" + submission.id);
        boolean higher = !Boolean.FALSE.equals(bounty.higherIsBetter);
        @SuppressWarnings("unchecked")
        List<String> overtaken = em.createNativeQuery("""
                SELECT DISTINCT top.contributor FROM (
                    SELECT contributor, live_score FROM submission
                     WHERE bounty_id = ?1 AND chain_index IS NOT NULL AND live_score IS NOT NULL AND id <> ?2
                     ORDER BY CASE WHEN ?3 THEN -live_score ELSE live_score END, chain_index
                     LIMIT ?4) top
                 WHERE top.contributor <> ?5
                   AND CASE WHEN ?3 THEN top.live_score < ?6 ELSE top.live_score > ?6 END
                   AND NOT EXISTS (SELECT 1 FROM submission better
                                    WHERE better.bounty_id = ?1 AND better.contributor = top.contributor
                                      AND better.chain_index IS NOT NULL AND better.live_score IS NOT NULL
                                      AND CASE WHEN ?3 THEN better.live_score >= ?6 ELSE better.live_score <= ?6 END)""")
                .setParameter(1, bounty.id).setParameter(2, submission.id).setParameter(3, higher)
                .setParameter(4, OVERTAKEN_TOP).setParameter(5, submission.contributor)
                .setParameter(6, submission.liveScore).getResultList();
        for (String contributor : overtaken) {
            notify(contributor, Kind.OVERTAKEN, bounty.id, "Your model was overtaken",
                    "A new model on \"" + bounty.title + "\" scored " + score + " on the live board, above your best.",
                    "/bounties/" + bounty.id, "overtaken:" + submission.id);
        }
    }

    // ---- reading, for the account's API and pages ----

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Notification> latest(String recipient, int limit) {
        return Notification.latest(recipient, limit);
    }

    /** Unread notifications of an address; 0 for nobody (the header asks on every page). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long unread(String recipient) {
        return recipient == null ? 0 : Notification.unread(recipient);
    }

    /** Marks one of the recipient's notifications read; false when it has none with that id. */
    @Transactional
    public boolean markRead(String recipient, long id) {
        return Notification.update("readAt = ?1 where id = ?2 and recipient = ?3 and readAt is null", Instant.now(), id,
                recipient) == 1 || Notification.count("id = ?1 and recipient = ?2", id, recipient) == 1;
    }

    @Transactional
    public int markAllRead(String recipient) {
        return Notification.update("readAt = ?1 where recipient = ?2 and readAt is null", Instant.now(), recipient);
    }
}
