package dev.bountymarket.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.notification.Notification.Kind;
import dev.bountymarket.submission.Submission;

/**
 * Tells a bounty's sponsor and everyone who uploaded a model to it that its submission deadline is near (by the
 * chain's clock, which the contract enforces). Each bounty's notice is written once per address, so every server may
 * sweep.
 */
@ApplicationScoped
public class DeadlineNotices {

    @Inject
    ChainClock clock;

    @Inject
    NotificationConfig config;

    @Inject
    Notifications notifications;

    @io.quarkus.scheduler.Scheduled(every = "1m", delayed = "30s",
            concurrentExecution = io.quarkus.scheduler.Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (config.background()) {
            sweep();
        }
    }

    /** @return the bounties whose deadline is near */
    @Transactional
    public int sweep() {
        Instant now = clock.now();
        var closing = Bounty.<Bounty>list("status = ?1 and submissionDeadline > ?2 and submissionDeadline <= ?3",
                BountyStatus.OPEN, now, now.plus(config.deadlineWarning()));
        for (Bounty bounty : closing) {
            Set<String> people = new LinkedHashSet<>();
            people.add(bounty.sponsor);
            Submission.<Submission>list("bountyId", bounty.id).forEach(s -> people.add(s.contributor));
            Duration left = Duration.between(now, bounty.submissionDeadline);
            String in = left.toHours() >= 1 ? "about " + left.toHours() + " h" : left.toMinutes() + " min";
            notifications.notifyAll(people, Kind.DEADLINE_NEAR, bounty.id, "Deadline in " + in,
                    "Submissions to \"" + bounty.title + "\" close at " + bounty.submissionDeadline
                            + " (chain time): commit your model before then.",
                    "/bounties/" + bounty.id, "deadline:" + bounty.id + ":" + bounty.submissionDeadline.getEpochSecond());
        }
        return closing.size();
    }
}
