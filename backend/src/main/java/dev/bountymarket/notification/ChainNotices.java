package dev.bountymarket.notification;

import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.web3j.protocol.core.methods.response.Log;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ResultEvents;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.notification.Notification.Kind;

/**
 * What a bounty's chain event means to people: a public headline (the bounty's Atom feed) and who is told (in-app
 * notifications and webhooks). One place maps event names, so a new event of the contract needs one more case here.
 * Events not listed (Submitted, ResultRanked, BountyTerms, ...) are part of a bigger step or are told another way.
 */
final class ChainNotices {

    /** One event, told: its kind, headline and text, and who is notified (may be none: the feed only). */
    record Notice(Kind kind, String title, String body, Set<String> recipients) {
    }

    private ChainNotices() {
    }

    /** @param participants the sponsor and the contributors with committed models (computed only when needed) */
    static Optional<Notice> of(Bounty bounty, ChainEvent event, java.util.function.Supplier<Set<String>> participants) {
        Log log = event.toLog();
        String t = "\"" + bounty.title + "\"";
        return Optional.ofNullable(switch (event.name) {
            case "BountyCreated" -> new Notice(Kind.BOUNTY_OPEN, "Bounty open: " + bounty.title,
                    t + " is open for submissions" + deadline(bounty) + ".", Set.of(bounty.sponsor));
            case "ToppedUp" -> new Notice(Kind.BOUNTY_OPEN, "Reward topped up",
                    "The reward of " + t + " is now " + Amounts.text(
                            BountyMarket.getToppedUpEventFromLog(log).newReward, bounty.token) + ".", Set.of());
            case "Submitted" -> new Notice(Kind.SCORED, "Model committed",
                    "The model in commit order " + BountyMarket.getSubmittedEventFromLog(log).index.add(BigInteger.ONE)
                            + " was committed to " + t + ".",
                    Set.of());
            case "ResultsProposed" -> new Notice(Kind.RESULTS_POSTED, "Results posted",
                    "The results of " + t + " are posted; they can be challenged until "
                            + Instant.ofEpochSecond(BountyMarket.getResultsProposedEventFromLog(log).challengeDeadline
                                    .longValueExact()) + ".", participants.get());
            case "TestSetRevealed" -> new Notice(Kind.TEST_SET_REVEALED, "Test set revealed",
                    "The hidden test set of " + t + " is published: anyone can re-run the evaluation.", Set.of());
            case "Challenged" -> new Notice(Kind.CHALLENGE_OPENED, "Results challenged",
                    "The results of " + t + " were challenged by " + BountyMarket.getChallengedEventFromLog(log).challenger
                            + "; the arbiter decides.", with(participants.get(), bounty.arbiter));
            case "ResultsUpheld" -> new Notice(Kind.CHALLENGE_SETTLED, "Challenge settled: results upheld",
                    "The arbiter upheld the results of " + t + ".", withChallengers(participants.get(), bounty));
            case "ResultsOverturned" -> new Notice(Kind.CHALLENGE_SETTLED, "Challenge settled: results overturned",
                    "The arbiter replaced the results of " + t + ".", withChallengers(participants.get(), bounty));
            case "BountyFinalized" -> new Notice(Kind.FINALIZED, "Bounty paid out",
                    t + " is final: its payments are made.", participants.get());
            case "BountyCancelled" -> new Notice(Kind.CANCELLED, "Bounty cancelled",
                    t + " was cancelled by its sponsor.", participants.get());
            case "BountyExpired" -> new Notice(Kind.EXPIRED, "Bounty expired",
                    t + " expired without results; the sponsor is refunded.", participants.get());
            case "Payout" -> payout(bounty, BountyMarket.getPayoutEventFromLog(log));
            default -> null;
        });
    }

    /** Everyone who challenged the results: each may challenge while the window is open, each with a bond. */
    private static Set<String> withChallengers(Set<String> recipients, Bounty bounty) {
        Set<String> all = new LinkedHashSet<>(recipients);
        ResultEvents.challenges(bounty.contract, bounty.onchainId).forEach(c -> all.add(c.challenger()));
        return all;
    }

    private static Notice payout(Bounty bounty, BountyMarket.PayoutEventResponse e) {
        String[] kinds = {"prize", "refund", "protocol fee", "challenge reward", "bond returned", "bond forfeited"};
        String kind = kinds[e.kind.intValueExact()];
        String amount = Amounts.text(e.amount, e.token);
        return e.credited
                ? new Notice(Kind.CREDITED, "Credited: " + amount, "A " + kind + " of " + amount + " from \""
                        + bounty.title + "\" is held for " + e.recipient
                        + " by the contract (the push failed); withdraw it from the account page.", Set.of(e.recipient))
                : new Notice(Kind.PAID, "Paid: " + amount, "A " + kind + " of " + amount + " from \"" + bounty.title
                        + "\" was sent to " + e.recipient + ".", Set.of(e.recipient));
    }

    private static String deadline(Bounty bounty) {
        return bounty.submissionDeadline == null ? "" : " until " + bounty.submissionDeadline;
    }

    private static Set<String> with(Set<String> people, String another) {
        Set<String> all = new LinkedHashSet<>(people);
        if (another != null) {
            all.add(another);
        }
        return all;
    }

    /** Events in the order given, as notices (for the feed). */
    static List<Notice> all(Bounty bounty, List<ChainEvent> events) {
        return events.stream().map(e -> of(bounty, e, Set::of)).flatMap(Optional::stream).toList();
    }
}
