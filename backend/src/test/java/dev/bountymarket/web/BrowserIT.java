package dev.bountymarket.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.TestChain;
import dev.bountymarket.testing.TestDatabase;

/**
 * The pages in a real browser: the packaged server against a fresh database and chain, with its indexer and keeper
 * running, driven by Playwright in Debian's headless Chromium (frontend-templates/browser-tests/). The browser's
 * wallet is an EIP-1193 provider injected into each page that forwards to the test chain, so the pages' own wallet
 * code runs. Screenshots land in target/screenshots.
 */
class BrowserIT {

    private static final Path TESTS = Path.of("../frontend-templates/browser-tests");

    private final TestDatabase database = new TestDatabase();
    private final TestChain chain = new TestChain();
    private Process app;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.putAll(database.start());
        settings.putAll(chain.start());
        int port = TestChain.freePort();
        settings.put("quarkus.http.port", Integer.toString(port));
        settings.put("auth.domain", "localhost:" + port);
        settings.put("auth.uri", "http://localhost:" + port);
        settings.put("chain.dev-accounts", "true");
        settings.put("indexer.interval", "1s");
        settings.put("keeper.interval", "1s");
        settings.put("storage.directory", Files.createTempDirectory(Path.of("target"), "browser-storage").toString());

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", System.getProperty("app.jar")));
        log = Path.of("target", "browser-it-server.log");
        app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String ready = awaitReady(port);
        baseUrl = "http://localhost:" + port;
        rpcUrl = settings.get("chain.rpc-url");
        Matcher contract = Pattern.compile("\"contract\"\\s*:\\s*\"(0x[0-9a-fA-F]{40})\"").matcher(ready);
        if (!contract.find()) {
            fail("no contract in the readiness answer: " + ready);
        }
        market = contract.group(1);
    }

    private String baseUrl;
    private String rpcUrl;
    private String market;

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
        chain.stop();
        database.stop();
    }

    @Test
    void pagesWorkInARealBrowserWithAWallet() throws Exception {
        // A bounty posted straight to the contract, as another marketplace or a script would.
        try (ChainDriver driver = new ChainDriver(rpcUrl)) {
            driver.createBounty(market, DevAccounts.account(1), DevAccounts.account(TestChain.KEEPER),
                    DevAccounts.account(3), ether(1), ChainDriver.sha256("hidden test set"));
        }
        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        Path output = Path.of("target", "browser-tests.log").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "run.mjs").directory(TESTS.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        node.environment().put("BASE_URL", baseUrl);
        node.environment().put("RPC_URL", rpcUrl);
        node.environment().put("SCREENSHOTS", screenshots.toString());
        node.environment().put("SPONSOR", DevAccounts.account(1).getAddress());
        node.environment().put("CONTRIBUTOR", DevAccounts.account(2).getAddress());
        node.environment().put("ARBITER", DevAccounts.account(3).getAddress());
        node.environment().put("KEEPER", DevAccounts.account(TestChain.KEEPER).getAddress());
        Process tests = node.start();
        if (!tests.waitFor(15, TimeUnit.MINUTES)) {
            tests.destroyForcibly();
            fail("the browser tests did not finish within 15 minutes");
        }
        String report = Files.readString(output);
        System.out.println(report);
        assertEquals(0, tests.exitValue(), "browser tests failed:\n" + report + "\n(server log: " + log + ")");
    }

    private String awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                fail("the server exited with " + app.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server was not ready within 120 s:\n" + Files.readString(log));
    }

    static BigInteger ether(long n) {
        return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(n));
    }
}
