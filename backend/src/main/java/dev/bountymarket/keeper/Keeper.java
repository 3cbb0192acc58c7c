package dev.bountymarket.keeper;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.Repeating;
import dev.bountymarket.process.ProcessConfig;
import dev.bountymarket.process.ProcessRoles;
import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.ResultEvents;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluation.EvaluationQueue;
import dev.bountymarket.keeper.KeeperTransaction.Action;
import dev.bountymarket.leadership.Leadership;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Moves the bounties this platform evaluates through their lifecycle so that nobody has to remember: once the
 * submission deadline passes, queues the private evaluations and proposes the results when all are done; reveals a
 * public test set once results are proposed, pays out when the challenge window ends, refunds a bounty whose
 * evaluation deadline passed without results. One transaction in flight per bounty; each step is decided against
 * the chain's time and state, and a step the contract would refuse is not sent. Only the server that holds the
 * keeper's lease ({@link Leadership}) takes rounds; each step is recorded under the term its round began in, so a
 * server that lost the lease mid-round records nothing more.
 */
@ApplicationScoped
public class Keeper {

    private static final String NOBODY = "0x0000000000000000000000000000000000000000";
    /** Calls per JSON-RPC batch: hosted providers refuse larger ones. */
    private static final int BATCH = 100;

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

    @Inject
    KeeperConfig config;

    @Inject
    KeeperFunds funds;

    @Inject
    KeeperMetrics metrics;

    @Inject
    Leadership leadership;

    @Inject
    dev.bountymarket.submission.RelayService relay;

    @Inject
    ProcessRoles roles;

    private Repeating rounds;

    void start(@Observes StartupEvent startup) {
        if (config.enabled() && roles.has(ProcessConfig.Role.LEADER)) {
            leadership.keepLeading(Leadership.Role.KEEPER);
            rounds = Repeating.start("keeper", config.interval(), this::round);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (rounds != null) {
            rounds.stop();
        }
    }

    /**
     * When this server runs the keeper: settles what is in flight, also what a previous leader recorded (replacing what
     * the chain leaves unmined, filling nonces nothing can take), then takes the next step of each bounty that has
     * nothing in flight, unless the keeper's balance cannot pay for it.
     */
    public void round() {
        if (sender.account().isEmpty()) {
            return;
        }
        var lease = leadership.lead(Leadership.Role.KEEPER);
        if (lease.isEmpty()) {
            return;
        }
        long term = lease.getAsLong();
        funds.beginRound();
        sender.reconcile();
        clock.refresh();
        Instant now = clock.now();
        for (Bounty bounty : candidates(sender.account().get().getAddress())) {
            nextStep(bounty, now).ifPresent(step -> sender.prepare(term, bounty.id, step.action(), step.data())
                    .ifPresent(tx -> {
                        if (step.batchId() != null) {
                            relay.recordTransaction(step.batchId(), tx.id);
                        }
                        sender.broadcast(tx.id);
                    }));
        }
        funds.endRound();
    }

    /** What the keeper is doing, for readiness and the status page. */
    public record State(String address, String state, String balanceWei, long pendingSteps, String reason,
            String needsWei) {
    }

    /** The keeper's state: "off" without a key, "paused" while a step waits for funds, else "running". */
    public State state() {
        if (sender.account().isEmpty()) {
            return state(null, 0);
        }
        BigInteger balance;
        try {
            balance = sender.balance();
        } catch (RuntimeException e) {
            balance = null;
        }
        return state(balance, pendingSteps());
    }

    /** {@link #state()} from what the keeper last read, without asking the chain or the database. */
    public State lastKnownState() {
        return state(funds.balance(), metrics.pendingSteps());
    }

    private State state(BigInteger balance, long pending) {
        if (sender.account().isEmpty()) {
            return new State(null, "off", null, 0, "keeper.private-key is not set", null);
        }
        var shortfall = funds.shortfall();
        return new State(sender.account().get().getAddress(), shortfall.isPresent() ? "paused" : "running",
                balance == null ? null : balance.toString(), pending,
                shortfall.map(KeeperFunds.Shortfall::reason).orElse(null),
                shortfall.map(s -> s.needsWei().toString()).orElse(null));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    long pendingSteps() {
        return KeeperTransaction.count("status in ?1", KeeperTransaction.UNSETTLED);
    }

    /** @param batchId the relayed batch a POST_BATCH step posts, else null */
    record Step(Action action, String data, Long batchId) {
        Step(Action action, String data) {
            this(action, data, null);
        }
    }

    Optional<Step> nextStep(Bounty bounty, Instant now) {
        BountyMarket market = encoder();
        BigInteger id = bounty.onchainId;
        if (bounty.status == BountyStatus.OPEN && !now.isBefore(bounty.evaluationDeadline)) {
            return Optional.of(new Step(Action.EXPIRE, market.expire(id).encodeFunctionCall()));
        }
        if (bounty.status == BountyStatus.OPEN && !now.isBefore(bounty.submissionDeadline)) {
            // Evaluate every committed model on the hidden test set; propose once all are done, and only what the
            // chain holds: the commitments are read last, as they cost one call per submission.
            evaluations.enqueuePrivate(bounty.id);
            if (!results.evaluated(bounty.id)) {
                return Optional.empty();
            }
            return commitmentsAfterDeadline(bounty).flatMap(onChain -> results.prepare(bounty.id, onChain)).map(p -> {
                // Relayed entries carry their proofs (docs/protocol.md, "Relayed submissions").
                List<BountyMarket.RelayProof> proofs = relay.proofsFor(bounty.id, p.entries());
                String data = proofs.isEmpty()
                        ? market.proposeResults(id, p.entries(), p.reportHash()).encodeFunctionCall()
                        : market.proposeResultsWithProofs(id, p.entries(), proofs, p.reportHash()).encodeFunctionCall();
                return new Step(Action.PROPOSE_RESULTS, data);
            });
        }
        if (bounty.status == BountyStatus.OPEN && registry.relayer().isPresent()) {
            // The keeper is the market's relayer: post the signed submissions waiting for a batch, when due.
            return relay.batchToPost(bounty.id).map(batch -> new Step(Action.POST_BATCH, market.postBatch(id,
                    Numeric.hexStringToByteArray(batch.root), BigInteger.valueOf(batch.leafCount)).encodeFunctionCall(),
                    batch.id));
        }
        // A public bounty pays out only once revealed; the reveal is refused from its deadline on, when finalize
        // settles it as withheld instead (docs/protocol.md, "A reveal nobody can withhold").
        boolean hasResults = bounty.status == BountyStatus.PROPOSED || bounty.status == BountyStatus.DISPUTED
                || bounty.status == BountyStatus.RESOLVED;
        if (hasResults && bounty.testSetSalt != null
                && bounty.revealDeadline().filter(deadline -> now.isBefore(deadline)).isPresent()) {
            return Optional.of(new Step(Action.REVEAL_TEST_SET, market.revealTestSet(id,
                    Numeric.hexStringToByteArray(bounty.testSetSha256), Numeric.hexStringToByteArray(bounty.testSetSalt))
                    .encodeFunctionCall()));
        }
        boolean windowOver = bounty.status == BountyStatus.PROPOSED && !now.isBefore(bounty.challengeDeadline);
        if (windowOver || bounty.status == BountyStatus.RESOLVED || bounty.status == BountyStatus.DISPUTED) {
            // A disputed bounty can be paid out only once arbitration timed out: eth_estimateGas tells. The contract
            // keeps the paid ranks as a hash: they are passed back, as the indexed ResultRanked events name them.
            // Read in a transaction of its own: the keeper's rounds run on a background thread, outside any request.
            var paidRanks = QuarkusTransaction.requiringNew().call(() -> ResultEvents.paidRanks(bounty.contract, id));
            return Optional.of(new Step(Action.FINALIZE, market.finalize(id, paidRanks).encodeFunctionCall()));
        }
        return Optional.empty();
    }

    /**
     * The bounty's submission commitments in index order, all read at one block whose time is past the submission
     * deadline: the contract accepts no submission after it, so the proposal, mined later on the same chain, sees the
     * same set. Empty if the latest block is not yet past the deadline.
     */
    private Optional<List<String>> commitmentsAfterDeadline(Bounty bounty) {
        try {
            EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
            if (block.getTimestamp().longValueExact() < bounty.submissionDeadline.getEpochSecond()) {
                return Optional.empty();
            }
            DefaultBlockParameter at = DefaultBlockParameter.valueOf(block.getNumber());
            BountyMarket market = encoder();
            market.setDefaultBlockParameter(at);
            long count = market.submissionCount(bounty.onchainId).send().longValueExact();
            List<String> commitments = new ArrayList<>();
            for (long from = 0; from < count; from += BATCH) {
                BatchRequest batch = web3j.newBatch();
                for (long i = from; i < Math.min(count, from + BATCH); i++) {
                    batch.add(web3j.ethCall(Transaction.createEthCallTransaction(NOBODY, market.getContractAddress(),
                            market.getCommitment(bounty.onchainId, BigInteger.valueOf(i)).encodeFunctionCall()), at));
                }
                for (var response : batch.send().getResponses()) {
                    if (response.hasError()) {
                        throw new IOException(response.getError().getMessage());
                    }
                    commitments.add(((EthCall) response).getValue());
                }
            }
            return Optional.of(commitments);
        } catch (Exception e) {
            // web3j's send() declares Exception
            throw new IllegalStateException("reading bounty " + bounty.onchainId + "'s submissions from the chain: "
                    + e.getMessage(), e);
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
}
