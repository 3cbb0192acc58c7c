package dev.bountymarket.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.evaluation.EvaluationJob.Kind;
import dev.bountymarket.evaluation.EvaluationJob.Status;
import dev.bountymarket.evaluator.Evaluation;
import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.dataset.LiveSplit;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.examples.TribuoModels;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.storage.ContentStore;
import dev.bountymarket.storage.StoredObject;
import dev.bountymarket.submission.Submission;
import dev.bountymarket.submission.SubmissionService;
import dev.bountymarket.testing.MlFixtures;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;

/**
 * A bounty's deadline with 50 committed models, run by this server's own two evaluation workers on the real queue: each
 * model is scored exactly once, with the report the plain path gives, the hidden test set is decoded once per group
 * of jobs rather than once per model, and no decoded copy of it is left once the jobs are done.
 */
@QuarkusTest
@TestProfile(PrivateEvaluationGroupsTest.TwoWorkers.class)
@WithTestResource(TestDatabase.class)
@WithTestResource(TestChain.class)
class PrivateEvaluationGroupsTest {

    private static final int MODELS = 50;
    private static final String SALT = "22".repeat(32);

    public static class TwoWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a lease long enough that a loaded machine's pauses do not hand a job to the other worker
            return Map.of("evaluator.workers", "2", "evaluator.concurrency", "2", "evaluator.poll-interval", "200ms",
                    "evaluator.lease", "60s", "evaluator.heap-mib", "256");
        }
    }

    private final Credentials alice = DevAccounts.account(4);

    @Inject
    EvaluationQueue queue;

    @Inject
    EvaluationConfig config;

    @Inject
    DecodedTestSets decodedSets;

    @Inject
    ContentStore store;

    @TempDir
    Path dir;

    @Test
    void fiftyModelsAreEachScoredExactlyOnceFromOneDecodingPerGroup() throws Exception {
        MlFixtures files = MlFixtures.write(dir);
        BountySpec spec = BountySpec.parse(files.spec());
        List<Path> models = new ArrayList<>();
        for (int i = 0; i < MODELS; i++) {
            // each model trained on its own slice of the rule's rows: 50 different models, 50 different scores
            Path onnx = dir.resolve("model-" + i + ".onnx");
            TribuoModels.logisticRegression(new TabularData(TabularData.Kind.BINARY, 8, 2, 1000 + i), 200 + 10 * i,
                    List.of("no", "yes"), onnx);
            models.add(onnx);
        }
        long bounty = bounty(files, spec);
        Map<Long, Path> modelOf = new HashMap<>();
        for (int i = 0; i < MODELS; i++) {
            modelOf.put(submission(bounty, models.get(i), i), models.get(i));
        }
        int decodingsBefore = decodedSets.decodings();

        assertEquals(MODELS, queue.enqueuePrivate(bounty));
        List<EvaluationJob> jobs = waitUntilFinished(bounty, Instant.now().plusSeconds(900));

        assertEquals(MODELS, jobs.size());
        byte[] salt = Numeric.hexStringToByteArray(SALT);
        for (EvaluationJob job : jobs) {
            assertEquals(Status.DONE, job.status, "job " + job.id + ": " + job.errorCode + " " + job.errorMessage);
            assertEquals(1, job.attempts, "job " + job.id + " was leased once");
            // the report the plain file gives, byte for byte
            EvaluationRequest plain = new EvaluationRequest(spec, modelOf.get(job.submissionId), files.testSet())
                    .part(salt, LiveSplit.Part.PRIVATE);
            var expected = Evaluation.evaluate(plain);
            assertEquals(expected.report().canonicalJson(), job.reportJson);
            assertEquals(expected.reportHash(), job.reportHash);
        }
        assertTrue(jobs.stream().map(j -> j.score).distinct().count() > MODELS / 2, "the models differ, so do their scores");
        int decodings = decodedSets.decodings() - decodingsBefore;
        int groups = (MODELS + config.groupSize() - 1) / config.groupSize();
        assertTrue(decodings >= 1 && decodings <= groups, decodings + " decodings for " + groups + " groups of "
                + config.groupSize());
        assertTrue(noDecodedSetLeft(Instant.now().plusSeconds(10)), "the decoded test set is deleted after the jobs");
    }

    private static boolean noDecodedSetLeft(Instant until) throws IOException, InterruptedException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        while (true) {
            try (Stream<Path> entries = Files.list(tmp)) {
                if (entries.noneMatch(p -> p.getFileName().toString().startsWith(ScratchFolder.PREFIX + "decoded-"))) {
                    return true;
                }
            }
            if (Instant.now().isAfter(until)) {
                return false;
            }
            Thread.sleep(200);
        }
    }

    private static List<EvaluationJob> waitUntilFinished(long bounty, Instant until) throws InterruptedException {
        while (true) {
            List<EvaluationJob> jobs = QuarkusTransaction.requiringNew().call(() -> EvaluationJob.<EvaluationJob>list(
                    "kind = ?1 and submissionId in (select s.id from Submission s where s.bountyId = ?2) order by id",
                    Kind.PRIVATE, bounty));
            if (jobs.stream().allMatch(EvaluationJob::finished) || Instant.now().isAfter(until)) {
                return jobs;
            }
            Thread.sleep(500);
        }
    }

    private long bounty(MlFixtures files, BountySpec spec) {
        StoredObject sample = put(files.publicSample(), false);
        StoredObject testSet = put(files.testSet(), true);
        return QuarkusTransaction.requiringNew().call(() -> {
            Bounty bounty = new Bounty();
            bounty.chainId = 31337;
            bounty.contract = "0x0000000000000000000000000000000000000001";
            bounty.sponsor = DevAccounts.account(1).getAddress();
            bounty.title = "fifty models";
            bounty.description = "";
            bounty.specJson = spec.canonicalJson();
            bounty.specHash = spec.hash();
            bounty.testSetCommitment = "0x" + "11".repeat(32);
            bounty.testSetSalt = SALT;
            bounty.testSetKey = testSet.key();
            bounty.testSetSha256 = testSet.sha256();
            bounty.testSetSize = testSet.size();
            bounty.publicSampleKey = sample.key();
            bounty.publicSampleSha256 = sample.sha256();
            bounty.publicSampleSize = sample.size();
            bounty.status = BountyStatus.OPEN;
            bounty.createdAt = Instant.now();
            bounty.updatedAt = Instant.now();
            bounty.persist();
            return bounty.id;
        });
    }

    private long submission(long bounty, Path modelFile, int index) {
        StoredObject model = put(modelFile, false);
        return QuarkusTransaction.requiringNew().call(() -> {
            Submission s = new Submission();
            s.bountyId = bounty;
            s.contributor = alice.getAddress();
            s.modelKey = model.key();
            s.modelSha256 = model.sha256();
            s.modelSize = model.size();
            s.commitment = SubmissionService.commitment(model.sha256(), alice.getAddress());
            s.chainIndex = index;
            s.createdAt = Instant.now();
            s.persist();
            return s.id;
        });
    }

    private StoredObject put(Path file, boolean encrypt) {
        try (var in = Files.newInputStream(file)) {
            return store.put(in, Long.MAX_VALUE, encrypt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
