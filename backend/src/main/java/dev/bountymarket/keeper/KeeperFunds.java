package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;

/**
 * Whether the keeper's account can pay for what it has to send. A step it cannot pay for (its max fee times its gas,
 * plus what its steps in flight may still cost) is paused, not signed; the next round tries again, so it goes on by
 * itself once the account is funded. Readiness and {@code GET /api/chain/keeper} say what is paused and how much
 * is needed.
 */
@ApplicationScoped
public class KeeperFunds {

    /** A step the balance cannot pay for: what it is and how much the account needs in all. */
    public record Shortfall(String step, BigInteger needsWei, BigInteger balanceWei, Instant since) {

        public String reason() {
            return step + " is paused: it may cost up to " + needsWei + " wei with the steps in flight, and the"
                    + " keeper's balance is " + balanceWei + " wei";
        }
    }

    private volatile Shortfall shortfall;
    private volatile BigInteger balance;
    private boolean pausedThisRound;

    /** The paused step, if any, from the last round. */
    public Optional<Shortfall> shortfall() {
        return Optional.ofNullable(shortfall);
    }

    /** The balance last read by the keeper; null before it read one. */
    public BigInteger balance() {
        return balance;
    }

    synchronized void beginRound() {
        pausedThisRound = false;
    }

    /** Whether {@code balance} pays {@code needs}; if not, the step is paused and said so. */
    synchronized boolean affords(String step, BigInteger needs, BigInteger balance) {
        this.balance = balance;
        if (balance.compareTo(needs) >= 0) {
            return true;
        }
        if (shortfall == null || !shortfall.step().equals(step)) {
            Log.warnf("Keeper: %s paused: needs %s wei, balance %s wei. Fund the keeper's account to go on.", step,
                    needs, balance);
        }
        Instant since = shortfall != null && shortfall.step().equals(step) ? shortfall.since() : Instant.now();
        shortfall = new Shortfall(step, needs, balance, since);
        pausedThisRound = true;
        return false;
    }

    synchronized void balance(BigInteger balance) {
        this.balance = balance;
    }

    /** A round that paused nothing clears the pause. */
    synchronized void endRound() {
        if (!pausedThisRound && shortfall != null) {
            Log.infof("Keeper: funded again (balance %s wei); going on", balance);
            shortfall = null;
        }
    }
}
