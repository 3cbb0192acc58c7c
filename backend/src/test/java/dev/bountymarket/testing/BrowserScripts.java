package dev.bountymarket.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The Playwright scripts of frontend-templates/browser-tests/, run with Node by the browser tests. */
public final class BrowserScripts {

    public static final Path DIR = Path.of("../frontend-templates/browser-tests");

    private BrowserScripts() {
    }

    /**
     * Runs one script with {@code env}; fails with its report (kept in target/SCRIPT.log) unless every step passed,
     * pointing at the server's log.
     */
    public static void run(String script, Map<String, String> env, Path serverLog) throws Exception {
        Path output = Path.of("target", script.replace(".mjs", ".log")).toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", script).directory(DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        node.environment().putAll(env);
        Process tests = node.start();
        if (!tests.waitFor(10, TimeUnit.MINUTES)) {
            tests.destroyForcibly();
            fail(script + " did not finish within 10 minutes");
        }
        String report = Files.readString(output);
        System.out.println(script + ":\n" + report);
        assertEquals(0, tests.exitValue(), script + " failed:\n" + report + "\n(server log: " + serverLog + ")");
    }
}
