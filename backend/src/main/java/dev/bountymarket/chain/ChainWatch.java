package dev.bountymarket.chain;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;

import dev.bountymarket.Repeating;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Reads the chain's head every {@code chain.watch-interval} on its own thread, with its own short timeout, so that no
 * request waits for the node to learn what it says: the chain's time ({@link ChainClock} extrapolates from the head),
 * whether the node answers (readiness, and requests that need the chain fail at once when it does not), its chain id,
 * and whether the contract still has code (checked when the head changes: code changes only with a block).
 */
@ApplicationScoped
public class ChainWatch {

    /** The latest block as first seen: its time runs on from {@code seenAt} (a {@link System#nanoTime()}). */
    public record Head(long number, String hash, Instant timestamp, long seenAt) {
    }

    /** What the last reads found; replaced whole, never changed. */
    private record State(Head head, long answeredAt, String problem, Long chainId, Boolean contractHasCode,
            String contractAddress) {
    }

    @Inject
    @Web3jProducer.Watch
    Web3j web3j;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    private final long startedAt = System.nanoTime();
    private volatile State state = new State(null, 0, null, null, null, null);
    private Repeating reads;

    void start(@Observes StartupEvent startup) {
        // The first read before the server takes requests, so that readiness and the clock start from the chain's word.
        read();
        reads = Repeating.start("chain-watch", config.watchInterval(), this::read);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (reads != null) {
            reads.stop();
        }
    }

    /** Reads the head now (the background thread does every interval; callers: right after time travel). */
    public synchronized void read() {
        State before = state;
        Head head;
        Long chainId = before.chainId();
        try {
            var block = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
            Head previous = before.head();
            boolean same = previous != null && previous.hash().equals(block.getHash());
            head = same ? previous : new Head(block.getNumber().longValueExact(), block.getHash(),
                    Instant.ofEpochSecond(block.getTimestamp().longValueExact()), System.nanoTime());
            if (!same || chainId == null) {
                chainId = web3j.ethChainId().send().getChainId().longValueExact();
            }
        } catch (IOException | RuntimeException e) {
            state = new State(before.head(), before.answeredAt(), describe(e), null, before.contractHasCode(),
                    before.contractAddress());
            return;
        }
        state = new State(head, System.nanoTime(), null, chainId, before.contractHasCode(), before.contractAddress());
        if (head != before.head() || before.contractHasCode() == null) {
            checkContract();
        }
    }

    private void checkContract() {
        Optional<ContractDeployment> contract = registry.resolved();
        if (contract.isEmpty()) {
            try {
                contract = Optional.of(registry.current());
            } catch (RuntimeException notYet) {
                return; // the registry keeps the reason
            }
        }
        String address = contract.get().address;
        try {
            String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
            State now = state;
            state = new State(now.head(), now.answeredAt(), now.problem(), now.chainId(), code != null && code.length() > 2,
                    address);
        } catch (IOException | RuntimeException e) {
            // asked again at the next read
        }
    }

    private String describe(Exception e) {
        if (e instanceof InterruptedIOException || e instanceof RpcProviders.AllFailed all && all.timedOut()) {
            // OkHttp's timeouts: the node took the request and said nothing.
            return "chain node not answering within " + seconds(config.unansweredAfter());
        }
        return "chain unreachable: " + e.getMessage();
    }

    /** Whether the node answered its last read, and recently. */
    public boolean answering() {
        State now = state;
        return now.problem() == null && silence(now).compareTo(config.unansweredAfter()) < 0;
    }

    /** Throws {@link ChainUnavailable} unless {@link #answering()}: for requests that need a live answer. */
    public void requireAnswering() {
        if (!answering()) {
            throw new ChainUnavailable("The chain is not available (" + problem().orElse("") + "), and this needs"
                    + " a live answer from it. Try again in a moment.");
        }
    }

    /** Why the node is not answering, or empty while it is. */
    public Optional<String> problem() {
        State now = state;
        Duration silent = silence(now);
        if (now.problem() != null) {
            return Optional.of(now.problem());
        }
        if (silent.compareTo(config.unansweredAfter()) >= 0) {
            return Optional.of("chain node not answering for " + seconds(silent));
        }
        return Optional.empty();
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** Time since the node last answered (since start when it never has). */
    public Duration silence() {
        return silence(state);
    }

    private Duration silence(State now) {
        return Duration.ofNanos(System.nanoTime() - (now.answeredAt() == 0 ? startedAt : now.answeredAt()));
    }

    /** The latest block the node reported, when it has. */
    public Optional<Head> head() {
        return Optional.ofNullable(state.head());
    }

    /** The chain id the node reports, while it answers. */
    public OptionalLong chainId() {
        State now = state;
        return answering() && now.chainId() != null ? OptionalLong.of(now.chainId()) : OptionalLong.empty();
    }

    /** Whether the contract had code at the head last read; empty before the contract is known and checked. */
    public Optional<Boolean> contractHasCode(String address) {
        State now = state;
        return address.equals(now.contractAddress()) ? Optional.ofNullable(now.contractHasCode()) : Optional.empty();
    }
}
