package dev.bountymarket.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import dev.bountymarket.contracts.BountyMarket;

/**
 * What a bounty's indexed result and challenge events say, for the calls that need it: the contract stores the paid
 * ranks only as a hash, so whoever finalizes passes their addresses, rebuilt here from the {@code ResultRanked}
 * events ({@code paid = true}, rank order) of the latest {@code ResultsProposed} or {@code ResultsOverturned}.
 */
public final class ResultEvents {

    /** One challenge: who posted the bond, how much arrived, in which transaction. */
    public record Challenge(String challenger, BigInteger bond, String txHash) {
    }

    private ResultEvents() {
    }

    /** The paid ranks' contributors of the current results, best first: {@code finalize}'s second argument. */
    public static List<String> paidRanks(String contract, BigInteger bountyId) {
        List<String> current = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        for (ChainEvent event : ChainEvent.ofBounty(contract, bountyId)) {
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
        return ChainEvent.<ChainEvent>list("contract = ?1 and bountyId = ?2 and name = ?3 order by blockNumber, logIndex",
                contract, bountyId, "Challenged").stream().map(event -> {
                    var e = BountyMarket.getChallengedEventFromLog(event.toLog());
                    return new Challenge(e.challenger, e.bond, event.txHash);
                }).toList();
    }
}
