package dev.bountymarket.evaluation;

import static dev.bountymarket.MetricsTest.value;
import static dev.bountymarket.MetricsTest.valueOrZero;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.sandbox.EvaluationOutcome;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.Drafts;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The evaluation queue's metrics at /q/metrics: depth and age, and evaluations by outcome. */
@QuarkusTest
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class EvaluationMetricsTest {

    private final Credentials sponsor = DevAccounts.account(1);
    private final Credentials alice = DevAccounts.account(4);
    private final Credentials keeperAccount = DevAccounts.account(TestChain.KEEPER);

    @Inject
    EvaluationMetrics evaluationMetrics;

    @Inject
    EvaluationQueue queue;

    @Inject
    EvaluationRunner runner;

    @Inject
    ContractRegistry registry;

    @Test
    void metrics_followTheEvaluationQueueAndItsOutcomes() {
        byte[] sha = ChainDriver.sha256("evaluated");
        long bountyId = Drafts.bountyWithTestSet(registry.current().address, sponsor, keeperAccount.getAddress(), sha, salt(), "evaluated");
        long submission = Drafts.submission(bountyId, alice, ChainDriver.sha256("a model"));
        evaluationMetrics.sample();
        double queued = value("evaluation_queue_depth{status=\"queued\"}");
        double failedByModel = valueOrZero("evaluations_total{kind=\"PUBLIC\",outcome=\"failed\"}");

        QuarkusTransaction.requiringNew().run(() -> queue.enqueue(submission, EvaluationJob.Kind.PUBLIC));
        evaluationMetrics.sample();
        assertEquals(queued + 1, value("evaluation_queue_depth{status=\"queued\"}"));
        assertTrue(value("evaluation_queue_oldest_age_seconds") >= 0);

        EvaluationQueue.Lease lease = queue.lease("metrics-test").orElseThrow();
        evaluationMetrics.sample();
        assertEquals(queued, value("evaluation_queue_depth{status=\"queued\"}"));
        assertTrue(value("evaluation_queue_depth{status=\"running\"}") >= 1);
        QuarkusTransaction.requiringNew().run(() -> runner.record(lease, new EvaluationOutcome.Failure(
                new EvaluationException(ErrorCode.MODEL_UNREADABLE, "not a model")), null));
        assertEquals(failedByModel + 1, value("evaluations_total{kind=\"PUBLIC\",outcome=\"failed\"}"));
    }

    private static byte[] salt() {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return salt;
    }
}
