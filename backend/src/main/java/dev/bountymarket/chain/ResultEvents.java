package dev.bountymarket.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.bountymarket.contracts.BountyMarket;

/**
 * What a bounty's indexed result and challenge events say, for the calls that need it: the contract stores the paid
 * ranks only as a hash, so whoever finalizes passes their addresses, rebuilt here from the {@code ResultRanked}
 * events ({@code paid = true}, rank order) of the latest {@code ResultsProposed} or {@code ResultsOverturned}.
 */
public final class ResultEvents {

    /**
     * One challenge: who posted the bond, how much arrived (a decimal string, as every amount of the API), in which
     * transaction, and whether the challenger was paid its bond and fee part back ({@code claimChallenge}, after
     * overturned results are finalized).
     */
    public record Challenge(String challenger, String bond, String txHash, boolean claimed) {
    }

    private ResultEvents() {
    }

    /** The paid ranks' contributors of the current results, best first: {@code finalize}'s second argument. */
    public static List<String> paidRanks(String contract, BigInteger bountyId) {
        List<String> current = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (ChainEvent event : ChainEvent.<ChainEvent>list(
                "contract = ?1 and bountyId = ?2 and name in ?3 order by blockNumber, logIndex", contract, bountyId,
                List.of("ResultRanked", "ResultsProposed", "ResultsOverturned"))) {
            switch (event.name) {
                case "ResultRanked" -> {
                    var e = BountyMarket.getResultRankedEventFromLog(event.toLog());
                    if (e.paid) {
                        pending.add(e.contributor);
                    }
                }
                // A ranking's ResultRanked events precede its ResultsProposed / ResultsOverturned (even an empty one).
                case "ResultsProposed", "ResultsOverturned" -> {
                    current = pending;
                    pending = new ArrayList<>();
                }
                default -> {
                }
            }
        }
        return current;
    }

    /** Every challenge of the bounty's results, in chain order (each address challenges at most once). */
    public static List<Challenge> challenges(String contract, BigInteger bountyId) {
        List<ChainEvent> events = ChainEvent.<ChainEvent>list(
                "contract = ?1 and bountyId = ?2 and name in ?3 order by blockNumber, logIndex", contract, bountyId,
                List.of("Challenged", "ChallengeClaimed"));
        Set<String> claimed = new HashSet<>();
        for (ChainEvent event : events) {
            if (event.name.equals("ChallengeClaimed")) {
                claimed.add(BountyMarket.getChallengeClaimedEventFromLog(event.toLog()).challenger.toLowerCase(Locale.ROOT));
            }
        }
        return events.stream().filter(event -> event.name.equals("Challenged")).map(event -> {
            var e = BountyMarket.getChallengedEventFromLog(event.toLog());
            return new Challenge(e.challenger, e.bond.toString(), event.txHash,
                    claimed.contains(e.challenger.toLowerCase(Locale.ROOT)));
        }).toList();
    }
}
