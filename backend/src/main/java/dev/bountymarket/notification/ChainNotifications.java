package dev.bountymarket.notification;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.hibernate.jpa.HibernateHints;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ChainIndexer.EventsIndexed;

/**
 * Turns newly indexed chain events into notifications, in the indexer's transaction and after {@code
 * BountyProjection} (a later priority) has applied them, so the bounty and its submissions are up to date. Each is
 * keyed by the event's transaction hash and log index: a range indexed twice notifies once.
 */
@ApplicationScoped
public class ChainNotifications {

    private static final int CHUNK = 1000;

    @Inject
    Notifications notifications;

    void onIndexed(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) EventsIndexed indexed) {
        List<ChainEvent> events = new ArrayList<>(indexed.eventIds().size());
        for (int from = 0; from < indexed.eventIds().size(); from += CHUNK) {
            List<Long> ids = indexed.eventIds().subList(from, Math.min(from + CHUNK, indexed.eventIds().size()));
            events.addAll(ChainEvent.<ChainEvent>find("id in ?1 and bountyId is not null", ids)
                    .withHint(HibernateHints.HINT_READ_ONLY, true).list());
        }
        events.sort(Comparator.<ChainEvent>comparingLong(e -> e.blockNumber).thenComparingInt(e -> e.logIndex));
        Map<String, Optional<Bounty>> bounties = new HashMap<>();
        for (ChainEvent event : events) {
            Optional<Bounty> found = bounties.computeIfAbsent(event.contract + "/" + event.bountyId,
                    k -> Bounty.findOnChain(event.contract, event.bountyId));
            if (found.isEmpty() || event.name.equals("Submitted")) {
                continue; // a committed model's notice comes with its live score (EvaluationRunner)
            }
            Bounty bounty = found.get();
            ChainNotices.of(bounty, event, () -> notifications.participants(bounty)).ifPresent(notice ->
                    notifications.notifyAll(notice.recipients(), notice.kind(), bounty.id, notice.title(),
                            notice.body(), "/bounties/" + bounty.id, "chain:" + event.txHash + ":" + event.logIndex));
        }
    }
}
