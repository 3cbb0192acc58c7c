package dev.bountymarket.evaluator.sandbox;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for a model's evaluation in the sandbox and tries what a hostile model would: read the server's files,
 * reach the network, write outside its scratch folder. It reports each try as "what=ok" or "what=denied" in its
 * result file (as a typed error, which the parent passes through).
 */
public final class SandboxProbe {
    private SandboxProbe() {}

    public static void main(String[] args) throws Exception {
        List<String> findings = new ArrayList<>();
        findings.add("secret=" + attempt(() -> Files.readAllBytes(Path.of(System.getProperty("probe.secret")))));
        findings.add("storage=" + attempt(() -> {
            try (var files = Files.list(Path.of(System.getProperty("probe.storage")))) {
                files.count();
            }
        }));
        for (String port : System.getProperty("probe.ports").split(",")) {
            findings.add("connect" + port + "=" + attempt(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)), 2000);
                }
            }));
        }
        findings.add("outside=" + attempt(() -> Files.writeString(Path.of(System.getProperty("probe.outside"),
                "written-by-probe.txt"), "x")));
        findings.add("tmp=" + attempt(() -> Files.writeString(Path.of("/tmp", System.getProperty("probe.tmpName")), "x")));
        findings.add("scratch=" + attempt(() -> Files.writeString(Path.of(System.getProperty("java.io.tmpdir"),
                "scratch.txt"), "x")));
        findings.add("testset=" + attempt(() -> Files.readAllBytes(ChildProtocol.readRequest(Path.of(args[0])).testSet())));
        String other = System.getProperty("probe.other");
        if (other != null) {
            findings.add("other=" + attempt(() -> Files.readAllBytes(Path.of(other))));
            findings.add("otherFolder=" + attempt(() -> {
                try (var files = Files.list(Path.of(other).getParent())) {
                    files.count();
                }
            }));
        }
        ChildProtocol.writeError(Path.of(args[1]), new EvaluationException(ErrorCode.INTERNAL_ERROR,
                String.join(" ", findings)));
        System.exit(ChildProtocol.EXIT_TYPED_FAILURE);
    }

    interface Attempt {
        void run() throws Exception;
    }

    private static String attempt(Attempt attempt) {
        try {
            attempt.run();
            return "ok";
        } catch (Exception e) {
            return "denied";
        }
    }
}
