package dev.bountymarket.evaluator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.EvaluationRequest;
import dev.bountymarket.evaluator.dataset.DecodedTestSet;
import dev.bountymarket.evaluator.examples.HostileModels;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.examples.TabularData;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a model's evaluation can reach, measured from inside: a probe runs in the same sandbox an evaluation child
 * runs in and tries to read the storage folder and a key file, connect to 127.0.0.1 and write outside its scratch
 * folder. Bubblewrap is required here (CI installs it); the same probe without it shows the probe really tries.
 */
class SandboxIsolationTest {
    @TempDir
    static Path dir;

    static Path storage;
    static Path secret;
    static Path outside;
    static BountySpec spec;
    static Path model;
    static Path testSet;

    @BeforeAll
    static void setUp() throws Exception {
        storage = Files.createDirectories(dir.resolve("storage"));
        Files.writeString(storage.resolve("test-set.enc"), "hidden");
        secret = Files.writeString(dir.resolve("storage-encryption.key"), "c2VjcmV0");
        outside = Files.createDirectories(dir.resolve("outside"));
        TabularData data = new TabularData(TabularData.Kind.REGRESSION, 2, 0, 3);
        spec = Specs.regression(data.featureNames());
        model = Files.write(dir.resolve("model.onnx"), HostileModels.embedded(2));
        testSet = dir.resolve("test.csv");
        data.writeCsv(testSet, 10, 1, List.of());
    }

    private static String probe(Isolation.Mode mode, int port, String tmpName) {
        SandboxedEvaluator evaluator = new SandboxedEvaluator(SandboxLimits.defaults().withWorkRoot(dir)
                .withHeapBytes(256L << 20).withIsolation(mode).withChildMainClass(SandboxProbe.class.getName())
                .withExtraJvmArgs(List.of("-Dprobe.secret=" + secret, "-Dprobe.storage=" + storage,
                        "-Dprobe.ports=" + port + ",5432,8545", "-Dprobe.outside=" + outside,
                        "-Dprobe.tmpName=" + tmpName)));
        EvaluationOutcome outcome = evaluator.evaluate(new EvaluationRequest(spec, model, testSet));
        return ((EvaluationOutcome.Failure) outcome).error().getMessage();
    }

    @Test
    void aChildInBubblewrapReachesNothingButItsScratchFolderAndTestSet() throws Exception {
        Isolation isolation = Isolation.choose(Isolation.Mode.AUTO, SandboxLimits.defaults().javaCommand());
        assertTrue(isolation.sandboxed(), "bubblewrap must work on this machine for this test: "
                + isolation.description());
        String tmpName = "probe-" + UUID.randomUUID() + ".txt";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String findings = probe(Isolation.Mode.BWRAP, server.getLocalPort(), tmpName);
            assertEquals("secret=denied storage=denied connect" + server.getLocalPort()
                    + "=denied connect5432=denied connect8545=denied outside=denied tmp=ok scratch=ok testset=ok",
                    findings);
        }
        assertFalse(Files.exists(outside.resolve("written-by-probe.txt")));
        assertFalse(Files.exists(Path.of("/tmp", tmpName)), "the child's /tmp is its own");
    }

    /**
     * A worker keeps each bounty's decoded test set in its own scratch folder while that bounty's evaluations run. A
     * model evaluated on bounty B's decoded set reads B's (bound read-only as its test set) but neither A's decoded
     * set nor A's folder, though both sit in the same work root on the same machine.
     */
    @Test
    void aChildReadsItsOwnDecodedTestSetButNotAnotherBountys() throws Exception {
        Path bountyA = Files.createDirectories(dir.resolve("decoded-bounty-a"));
        Path bountyB = Files.createDirectories(dir.resolve("decoded-bounty-b"));
        Path decodedA = bountyA.resolve("test-set.decoded");
        Path decodedB = bountyB.resolve("test-set.decoded");
        DecodedTestSet.decode(testSet, "test.csv", spec, null, decodedA);
        DecodedTestSet.decode(testSet, "test.csv", spec, null, decodedB);
        String tmpName = "probe-" + UUID.randomUUID() + ".txt";
        SandboxedEvaluator evaluator = new SandboxedEvaluator(SandboxLimits.defaults().withWorkRoot(dir)
                .withHeapBytes(256L << 20).withIsolation(Isolation.Mode.BWRAP)
                .withChildMainClass(SandboxProbe.class.getName())
                .withExtraJvmArgs(List.of("-Dprobe.secret=" + secret, "-Dprobe.storage=" + storage,
                        "-Dprobe.ports=5432", "-Dprobe.outside=" + outside, "-Dprobe.tmpName=" + tmpName,
                        "-Dprobe.other=" + decodedA)));
        EvaluationOutcome outcome = evaluator.evaluate(new EvaluationRequest(spec, model, testSet)
                .withDecodedTestSet(decodedB));
        String findings = ((EvaluationOutcome.Failure) outcome).error().getMessage();
        assertTrue(findings.endsWith("testset=ok other=denied otherFolder=denied"), findings);
        assertTrue(Files.isReadable(decodedA), "the probe really looked at a file that exists");
    }

    @Test
    void withoutIsolationTheSameProbeReadsTheServersFiles() throws Exception {
        String tmpName = "probe-" + UUID.randomUUID() + ".txt";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String findings = probe(Isolation.Mode.NONE, server.getLocalPort(), tmpName);
            assertTrue(findings.startsWith("secret=ok storage=ok connect" + server.getLocalPort() + "=ok"), findings);
        } finally {
            Files.deleteIfExists(Path.of("/tmp", tmpName));
            Files.deleteIfExists(outside.resolve("written-by-probe.txt"));
        }
    }
}
