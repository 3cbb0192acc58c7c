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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.ServerProcess;

/**
 * The run command as a user runs it: the packaged server with its local stack, started, stopped, started again.
 * The second start must reuse the contract and the data, and a stop (even a kill -9) must leave no anvil or
 * PostgreSQL behind.
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
        long lastBlockTime = latestBlockTime(chainPort);
        stop(first);
        String firstOutput = Files.readString(firstLog);
        assertTrue(firstOutput.contains("Deployed BountyMarket at " + contract));
        // The database stops only after the server has let go of it: the leader leases are released, not left to expire.
        assertTrue(firstOutput.contains("Leadership: released the keeper"), "the keeper's lease released:\n" + firstOutput);
        assertFalse(firstOutput.contains("could not release"), "released before the database stopped:\n" + firstOutput);
        assertNoProcessUses(home);

        Path secondLog = home.resolve("second.log");
        Process second = start(httpPort, chainPort, secondLog);
        String readyAgain = ServerProcess.awaitReady(second, httpPort, secondLog);
        try (ChainDriver chain = new ChainDriver("http://127.0.0.1:" + chainPort)) {
            chain.mine();
        }
        long nextBlockTime = latestBlockTime(chainPort);
        stop(second);

        assertEquals(contract, find(CONTRACT, readyAgain), "the same contract");
        assertTrue(Long.parseLong(find(BLOCK, readyAgain)) >= block, "the chain kept its blocks");
        assertTrue(nextBlockTime > lastBlockTime, "the demo moved the clock two hours ahead; after a restart it goes on"
                + " from there (" + lastBlockTime + "), not back to the wall clock (" + nextBlockTime + ")");
        String secondOutput = Files.readString(secondLog);
        assertFalse(secondOutput.contains("Deployed BountyMarket"), "no second deployment:\n" + secondOutput);
        assertTrue(secondOutput.contains("Dev accounts"), "prints the dev accounts:\n" + secondOutput);
        assertFalse(secondOutput.contains("Demo data:"), "demo data only on a fresh chain:\n" + secondOutput);
        assertNoProcessUses(home);
    }

    @Test
    void run_killedWithSigkill_leavesNothingRunningAndStartsCleanlyAgain() throws Exception {
        int httpPort = freePort();
        int chainPort = freePort();

        Path firstLog = home.resolve("first.log");
        Process first = start(httpPort, chainPort, firstLog, Map.of("demo.enabled", "false"));
        ServerProcess.awaitReady(first, httpPort, firstLog);
        kill9(first.toHandle());
        // Its anvil and PostgreSQL end with it.
        assertNoProcessUses(home);

        // Killed together with its watchdog (say, by an OOM killer), it leaves them running: the next start stops them.
        Path secondLog = home.resolve("second.log");
        Process second = start(httpPort, chainPort, secondLog, Map.of("demo.enabled", "false"));
        ServerProcess.awaitReady(second, httpPort, secondLog);
        List<ProcessHandle> watchdogs = second.toHandle().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("watchdog")).toList();
        watchdogs.forEach(RunCommandIT::kill9);
        kill9(second.toHandle());
        assertFalse(processesUsing(home).isEmpty(), "anvil and PostgreSQL outlive a server killed with its watchdog");

        Path thirdLog = home.resolve("third.log");
        long started = System.nanoTime();
        Process third = start(httpPort, chainPort, thirdLog, Map.of("demo.enabled", "false"));
        ServerProcess.awaitReady(third, httpPort, thirdLog, Duration.ofSeconds(60));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        stop(third);

        String thirdOutput = Files.readString(thirdLog);
        assertEquals(1, thirdOutput.lines().filter(l -> l.contains("an earlier run left running")).count(),
                "says in one line what it cleaned up:\n" + thirdOutput);
        assertTrue(seconds < 45, "up in " + seconds + " s:\n" + thirdOutput);
        assertNoProcessUses(home);
    }

    private Process start(int httpPort, int chainPort, Path log) throws IOException {
        return start(httpPort, chainPort, log, Map.of());
    }

    private Process start(int httpPort, int chainPort, Path log, Map<String, String> more) throws IOException {
        Map<String, String> settings = new HashMap<>(Map.of("local-stack", home.toString(),
                "local-stack.chain-port", Integer.toString(chainPort), "quarkus.http.port", Integer.toString(httpPort),
                "anvil.path", System.getProperty("anvil.path")));
        settings.putAll(more);
        return ServerProcess.start(settings, List.of(), log);
    }

    private static void kill9(ProcessHandle process) {
        process.destroyForcibly();
        process.onExit().join();
    }

    private static long latestBlockTime(int chainPort) {
        try (ChainDriver chain = new ChainDriver("http://127.0.0.1:" + chainPort)) {
            return chain.latestTimestamp();
        }
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
            strays = processesUsing(home);
            if (strays.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        fail("processes left behind: " + strays);
    }

    private static List<String> processesUsing(Path home) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .toList();
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
