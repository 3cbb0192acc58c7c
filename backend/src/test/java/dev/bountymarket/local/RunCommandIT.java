package dev.bountymarket.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bountymarket.testing.ServerProcess;

/**
 * The run command as a user runs it: the packaged server with its local stack, started, stopped, started again.
 * The second start must reuse the contract and the data, and a stop must leave no anvil or PostgreSQL behind.
 */
class RunCommandIT {

    private static final Pattern CONTRACT = Pattern.compile("\"contract\"\\s*:\\s*\"(0x[0-9a-f]{40})\"");
    private static final Pattern BLOCK = Pattern.compile("\"latestBlock\"\\s*:\\s*(\\d+)");

    @TempDir
    Path home;

    @Test
    void run_reusesContractAndDataAcrossRestartsAndLeavesNoStrayProcess() throws Exception {
        int httpPort = freePort();
        int chainPort = freePort();

        Path firstLog = home.resolve("first.log");
        Process first = start(httpPort, chainPort, firstLog);
        String ready = ServerProcess.awaitReady(first, httpPort, firstLog);
        String contract = find(CONTRACT, ready);
        long block = Long.parseLong(find(BLOCK, ready));
        // A fresh local chain gets demo data: a live bounty with two scored models and a finished, paid one. Their
        // evaluations run in child JVMs of the packaged server: this also proves they find the evaluator's classes.
        awaitBody(first, firstLog, httpPort, "/api/bounties?status=finalized", "\"total\":1");
        awaitBody(first, firstLog, httpPort, "/api/bounties/1/leaderboard", "\"total\":2");
        stop(first);
        assertTrue(Files.readString(firstLog).contains("Deployed BountyMarket at " + contract));
        assertNoProcessUses(home);

        Path secondLog = home.resolve("second.log");
        Process second = start(httpPort, chainPort, secondLog);
        String readyAgain = ServerProcess.awaitReady(second, httpPort, secondLog);
        stop(second);

        assertEquals(contract, find(CONTRACT, readyAgain), "the same contract");
        assertTrue(Long.parseLong(find(BLOCK, readyAgain)) >= block, "the chain kept its blocks");
        String secondOutput = Files.readString(secondLog);
        assertFalse(secondOutput.contains("Deployed BountyMarket"), "no second deployment:\n" + secondOutput);
        assertTrue(secondOutput.contains("Dev accounts"), "prints the dev accounts:\n" + secondOutput);
        assertFalse(secondOutput.contains("Demo data:"), "demo data only on a fresh chain:\n" + secondOutput);
        assertNoProcessUses(home);
    }

    private Process start(int httpPort, int chainPort, Path log) throws IOException {
        return ServerProcess.start(Map.of("local-stack", home.toString(), "local-stack.chain-port", Integer.toString(chainPort),
                "quarkus.http.port", Integer.toString(httpPort), "anvil.path", System.getProperty("anvil.path")),
                List.of(), log);
    }


    private static void awaitBody(Process app, Path log, int httpPort, String path, String expected) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        String last = "";
        while (System.nanoTime() < deadline && app.isAlive()) {
            last = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            if (last.contains(expected)) {
                return;
            }
            Thread.sleep(1000);
        }
        fail(path + " never showed " + expected + "; last answer: " + last + "\n" + Files.readString(log));
    }

    /** What Ctrl-C does to the server: a signal that runs its shutdown hooks. */
    private static void stop(Process app) throws InterruptedException {
        app.destroy();
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the server stops within 60 s");
    }

    private static void assertNoProcessUses(Path home) throws InterruptedException {
        // PostgreSQL's postmaster may take a moment to exit after pg_ctl returns.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> strays;
        do {
            strays = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                    .toList();
            if (strays.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        fail("processes left behind: " + strays);
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), pattern + " not in " + text);
        return matcher.group(1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
