package dev.bountymarket.evaluator.sandbox;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.model.OrtBootstrap;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for a model that has taken over its child JVM (through a flaw in the native runtime) and tries to plant
 * code for the next evaluation: replace, swap or delete the prepared ONNX Runtime libraries and class archive, or
 * make their folder writable. It first says whether it really runs on them (both mapped into this process), then
 * reports each try as "what=ok" or "what=denied" in its result file (as a typed error, which the parent passes
 * through).
 */
public final class RuntimeTamperer {
    private RuntimeTamperer() {}

    public static void main(String[] args) throws Exception {
        OrtBootstrap.engine();
        Path natives = Path.of(System.getProperty("onnxruntime.native.path"));
        Path library = natives.resolve(System.mapLibraryName("onnxruntime"));
        Path archive = Path.of(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .getVMOption("SharedArchiveFile").getValue());
        String maps = Files.readString(Path.of("/proc/self/maps"));
        List<String> findings = new ArrayList<>();
        findings.add("archive=" + (maps.contains(archive.toString()) ? "mapped" : "unused"));
        findings.add("natives=" + (maps.contains(library.toString()) ? "mapped" : "unused"));
        byte[] evil = "planted".getBytes();
        findings.add("overwrite-native=" + attempt(() -> Files.write(library, evil)));
        findings.add("add-native=" + attempt(() -> Files.write(natives.resolve("planted.so"), evil)));
        findings.add("swap-native=" + attempt(() -> Files.move(natives.resolve(System.mapLibraryName("onnxruntime4j_jni")),
                library, StandardCopyOption.REPLACE_EXISTING)));
        findings.add("delete-native=" + attempt(() -> Files.delete(library)));
        findings.add("chmod-natives=" + attempt(() -> Files.setPosixFilePermissions(natives,
                PosixFilePermissions.fromString("rwxrwxrwx"))));
        findings.add("overwrite-archive=" + attempt(() -> Files.write(archive, evil)));
        findings.add("delete-archive=" + attempt(() -> Files.delete(archive)));
        findings.add("add-beside-archive=" + attempt(() -> Files.write(archive.resolveSibling("planted.jsa"), evil)));
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
