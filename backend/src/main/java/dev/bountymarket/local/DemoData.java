package dev.bountymarket.local;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.arc.Arc;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.bounty.DraftService;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.WalletTransaction;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.storage.Upload;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.submission.SubmissionService;

/**
 * Demo data for the run command on a fresh local chain: a live bounty with two scored models on its leaderboard,
 * and a finished one with its payout. Everything goes the way users' would: the dev accounts sign and send the
 * transactions the API prepares, the indexer, the evaluation workers and the keeper do the rest; only the chain's
 * clock is moved forward (by two hours) to finish the second bounty. Never on a chain other than the local one.
 */
@ApplicationScoped
public class DemoData {

    private static final long LOCAL_CHAIN = 31337;
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    @ConfigProperty(name = "demo.enabled", defaultValue = "false")
    boolean enabled;

    @Inject
    DraftService drafts;

    @Inject
    SubmissionService submissions;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainClock clock;

    @Inject
    Web3j web3j;

    @Inject
    ChainConfig chain;

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials ada = DevAccounts.account(2);
    private final Credentials grace = DevAccounts.account(4);
    private final Credentials arbiter = DevAccounts.account(3);

    void onStart(@Observes StartupEvent start) {
        if (!enabled) {
            return;
        }
        if (registry.current().chainId != LOCAL_CHAIN) {
            Log.warn("Demo data is only made on the local chain (31337); skipped");
            return;
        }
        if (QuarkusTransaction.requiringNew().call(() -> Bounty.count()) > 0) {
            return;
        }
        Thread thread = new Thread(this::create, "demo-data");
        thread.setDaemon(true);
        thread.start();
    }

    void create() {
        try {
            Path dir = Files.createTempDirectory("bountymarket-demo-");
            Log.info("Demo data: training two models and drafting two bounties (about a minute)");
            TabularData churn = new TabularData(TabularData.Kind.BINARY, 12, 2, 2026);
            List<String> labels = List.of("stays", "leaves");
            var logistic = TribuoModels.logisticRegression(churn, 4000, labels, dir.resolve("logistic.onnx"));
            TribuoModels.factorizationMachine(churn, 1500, labels, dir.resolve("fm.onnx"));
            churn.writeCsv(dir.resolve("sample.csv"), 500, 1, labels);
            churn.writeCsv(dir.resolve("test.csv"), 5000, 2, labels);
            String spec = Specs.tabularJson("binary_classification", "roc_auc", logistic.classes(),
                    churn.featureNames(), "probabilities", "[N,C]");

            long live = bounty(dir, spec, "Predict customer churn",
                    "Which subscribers cancel next month? Twelve anonymised usage features per subscriber; the hidden"
                            + " test set holds 5,000 of them. Scored by ROC-AUC.", Duration.ofDays(7), ETHER.multiply(BigInteger.TWO));
            submit(live, ada, dir.resolve("logistic.onnx"));
            submit(live, grace, dir.resolve("fm.onnx"));

            long finished = bounty(dir, spec, "Churn, first round (finished)",
                    "The first round of the churn bounty: closed, scored, and paid out.", Duration.ofHours(1), ETHER);
            submit(finished, ada, dir.resolve("logistic.onnx"));
            submit(finished, grace, dir.resolve("fm.onnx"));
            awaitStatus(finished, "committed", () -> committed(finished) == 2);
            travel(Duration.ofHours(1).plusSeconds(1));
            awaitStatus(finished, "proposed", () -> status(finished) == BountyStatus.PROPOSED);
            // A public bounty: the keeper reveals its test set in the challenge window, so anyone can audit it; a jump
            // past the window first would settle it as a withheld reveal.
            awaitStatus(finished, "test set revealed", () -> revealed(finished));
            travel(Duration.ofHours(1).plusSeconds(1));
            awaitStatus(finished, "paid out", () -> status(finished) == BountyStatus.FINALIZED);
            Log.infof("Demo data: ready (live bounty %d, finished bounty %d)", live, finished);
        } catch (IOException | RuntimeException e) {
            Log.warnf(e, "Demo data could not be made: %s", e.getMessage());
        }
    }

    /**
     * Runs one call the way an HTTP request would: in a request context of its own, so that entities read are fresh
     * (the services read outside transactions, and a context kept open would serve stale copies).
     */
    private static <T> T asRequest(java.util.function.Supplier<T> call) {
        var requestContext = Arc.container().requestContext();
        requestContext.activate();
        try {
            return call.get();
        } finally {
            requestContext.terminate();
        }
    }

    private long bounty(Path dir, String spec, String title, String description, Duration open, BigInteger reward) {
        Bounty draft = asRequest(() -> drafts.create(sponsor.getAddress().toLowerCase(), new DraftService.Draft(title,
                description, spec, Upload.of(dir.resolve("sample.csv")), Upload.of(dir.resolve("test.csv")), null, null)));
        clock.refresh();
        long now = clock.now().getEpochSecond();
        WalletTransaction tx = asRequest(() -> drafts.createTransaction(draft.id, draft.sponsor, new DraftService.Terms(
                "ETH", reward.toString(), 600_000L, List.of(7000, 3000), now + open.toSeconds(),
                now + open.toSeconds() + 86_400, 3600L, arbiter.getAddress(), 3, ETHER.divide(BigInteger.TEN).toString(),
                "public")));
        send(sponsor, tx);
        awaitStatus(draft.id, "open", () -> status(draft.id) != BountyStatus.DRAFT);
        return draft.id;
    }

    private void submit(long bountyId, Credentials contributor, Path model) {
        Submission submission = asRequest(() -> submissions.upload(bountyId, contributor.getAddress().toLowerCase(),
                Upload.of(model), null));
        if (submission.validationError != null) {
            throw new IllegalStateException("demo model failed its check: " + submission.validationError);
        }
        send(contributor, asRequest(() -> submissions.submitTransaction(submission.id, submission.contributor)));
    }

    private void send(Credentials from, WalletTransaction tx) {
        try {
            var sent = new RawTransactionManager(web3j, from, Long.parseLong(tx.chainId())).sendTransaction(
                    web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.TWO), BigInteger.valueOf(3_000_000),
                    tx.to(), tx.data(), new BigInteger(tx.value()));
            if (sent.hasError()) {
                throw new IllegalStateException(tx.description() + ": " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = new PollingTransactionReceiptProcessor(web3j, 200, 100)
                    .waitForTransactionReceipt(sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new IllegalStateException(tx.description() + ": reverted");
            }
        } catch (IOException | org.web3j.protocol.exceptions.TransactionException e) {
            throw new IllegalStateException(tx.description() + ": " + e.getMessage(), e);
        }
    }

    /** Moves the local chain's clock forward and mines a block at the new time. */
    private void travel(Duration by) {
        HttpService rpc = new HttpService(chain.rpcUrl());
        try {
            for (var call : List.of(new Request<>("evm_increaseTime", List.of(by.toSeconds()), rpc, RawResponse.class),
                    new Request<>("evm_mine", List.of(), rpc, RawResponse.class))) {
                RawResponse response = call.send();
                if (response.hasError()) {
                    throw new IllegalStateException(call.getMethod() + ": " + response.getError().getMessage());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("moving the local chain's clock: " + e.getMessage(), e);
        }
    }

    /** A JSON-RPC answer whose result is not needed. */
    public static class RawResponse extends Response<Object> {
    }

    private void awaitStatus(long bountyId, String what, BooleanSupplier done) {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(5));
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("bounty " + bountyId + " did not get " + what + " within 5 minutes");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static BountyStatus status(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(bountyId).status);
    }

    private static boolean revealed(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> Bounty.<Bounty>findById(bountyId).testSetRevealed);
    }

    private static long committed(long bountyId) {
        return QuarkusTransaction.requiringNew().call(() -> Submission.count("bountyId = ?1 and chainIndex is not null",
                bountyId));
    }
}
