package dev.bountymarket.keeper;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.protocol.Web3j;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Moves the bounties this platform evaluates through their lifecycle so that nobody has to remember: once the
 * submission deadline passes, queues the private evaluations and proposes the results when all are done; reveals a
 * public test set once results are proposed, pays out when the challenge window ends, refunds a bounty whose
 * evaluation deadline passed without results. One transaction in flight per bounty; each step is decided against
 * the chain's time and state, and a step the contract would refuse is not sent.
 */
@ApplicationScoped
public class Keeper {

    private static final String NOBODY = "0x0000000000000000000000000000000000000000";

    @Inject
    KeeperSender sender;

    @Inject
    ChainClock clock;

    @Inject
    ContractRegistry registry;

    @Inject
    Web3j web3j;

    @Inject
    EvaluationQueue evaluations;

    @Inject
    ResultsDocument results;

    @Scheduled(every = "${keeper.interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Disabled.class)
    void tick() {
        try {
            round();
        } catch (RuntimeException e) {
            Log.warnf("Keeper: %s", e.getMessage());
        }
    }

    /** Settles what is in flight, then takes the next step of each bounty that has nothing in flight. */
    public void round() {
        if (sender.account().isEmpty()) {
            return;
        }
        sender.reconcile();
        clock.refresh();
        Instant now = clock.now();
        for (Bounty bounty : candidates(sender.account().get().getAddress())) {
            nextStep(bounty, now).ifPresent(step -> sender.prepare(bounty.id, step.action(), step.data())
                    .ifPresent(tx -> sender.broadcast(tx.id)));
        }
    }

    record Step(Action action, String data) {
    }

    Optional<Step> nextStep(Bounty bounty, Instant now) {
        BountyMarket market = encoder();
        BigInteger id = bounty.onchainId;
        if (bounty.status == BountyStatus.OPEN && !now.isBefore(bounty.evaluationDeadline)) {
            return Optional.of(new Step(Action.EXPIRE, market.expire(id).encodeFunctionCall()));
        }
        if (bounty.status == BountyStatus.OPEN && !now.isBefore(bounty.submissionDeadline)) {
            // Evaluate every committed model on the hidden test set; propose once all are done.
            evaluations.enqueuePrivate(bounty.id);
            return results.prepare(bounty.id, submissionsOnChain(market, id)).map(p -> new Step(
                    Action.PROPOSE_RESULTS, market.proposeResults(id, p.entries(), p.reportHash()).encodeFunctionCall()));
        }
        if (bounty.status == BountyStatus.PROPOSED && "public".equals(bounty.revealPolicy) && !bounty.testSetRevealed
                && bounty.testSetSalt != null) {
            return Optional.of(new Step(Action.REVEAL_TEST_SET, market.revealTestSet(id,
                    Numeric.hexStringToByteArray(bounty.testSetSha256), Numeric.hexStringToByteArray(bounty.testSetSalt))
                    .encodeFunctionCall()));
        }
        boolean windowOver = bounty.status == BountyStatus.PROPOSED && !now.isBefore(bounty.challengeDeadline);
        if (windowOver || bounty.status == BountyStatus.RESOLVED || bounty.status == BountyStatus.DISPUTED) {
            // A disputed bounty can be paid out only once arbitration timed out: eth_estimateGas tells.
            return Optional.of(new Step(Action.FINALIZE, market.finalize(id).encodeFunctionCall()));
        }
        return Optional.empty();
    }

    private static long submissionsOnChain(BountyMarket market, BigInteger id) {
        try {
            return market.submissionCount(id).send().longValueExact();
        } catch (Exception e) {
            throw new IllegalStateException("reading bounty " + id + " from the chain: " + e.getMessage(), e);
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Bounty> candidates(String keeper) {
        return Bounty.<Bounty>list("evaluator = ?1 and status in ?2 and onchainId is not null", keeper,
                List.of(BountyStatus.OPEN, BountyStatus.PROPOSED, BountyStatus.DISPUTED, BountyStatus.RESOLVED))
                .stream().filter(b -> !KeeperTransaction.pendingFor(b.id)).toList();
    }

    private BountyMarket encoder() {
        return BountyMarket.load(registry.current().address, web3j, new ReadonlyTransactionManager(web3j, NOBODY),
                new DefaultGasProvider());
    }

    /** Skips scheduled rounds when the keeper is turned off. */
    // A bean, so that its config is injected; otherwise the scheduler makes a bare instance and no poll ever runs.
    @jakarta.inject.Singleton
    public static class Disabled implements Scheduled.SkipPredicate {
        @Inject
        KeeperConfig config;

        @Override
        public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
            return !config.enabled();
        }
    }
}
