package dev.bountymarket.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A local chain: Foundry's anvil, started as a child process from the npm package in solidity/node_modules.
 * Used by the run command (state kept on disk between runs) and by tests (fresh state on a free port).
 */
public final class Anvil implements AutoCloseable {

    public static final long CHAIN_ID = 31337;
    /** Anvil's own default; named here so that the dev accounts we print are the ones anvil funds. */
    public static final String MNEMONIC = "test test test test test test test test test test test junk";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String rpcUrl;

    private Anvil(Process process, String rpcUrl) {
        this.process = process;
        this.rpcUrl = rpcUrl;
    }

    /**
     * Starts anvil on 127.0.0.1:port and waits until it answers.
     *
     * @param stateFile where anvil loads its state from and dumps it to, or null for a throwaway chain
     * @param log where anvil's output goes
     */
    public static Anvil start(int port, Path stateFile, Path log) throws IOException {
        return start(port, stateFile, log, CHAIN_ID);
    }

    /** {@link #start(int, Path, Path)} answering another chain id, as a stand-in for a public network in tests. */
    public static Anvil start(int port, Path stateFile, Path log, long chainId) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--chain-id", Long.toString(chainId), "--mnemonic", MNEMONIC));
        if (stateFile != null) {
            Files.createDirectories(stateFile.getParent());
            // --state loads at start and dumps at exit; the interval dump survives a kill -9.
            command.addAll(List.of("--state", stateFile.toString(), "--state-interval", "5"));
        }
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Anvil anvil = new Anvil(process, "http://127.0.0.1:" + port);
        anvil.awaitReady(Duration.ofSeconds(30), log);
        if (stateFile != null) {
            anvil.resumeClock();
        }
        return anvil;
    }

    /** The anvil executable: -Danvil.path, else solidity/node_modules/.bin/anvil under the working directory. */
    static Path binary() {
        String configured = System.getProperty("anvil.path");
        Path path = configured != null ? Path.of(configured) : Path.of("solidity", "node_modules", ".bin", "anvil");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("anvil not found at " + path.toAbsolutePath()
                    + ": run `npm ci` in solidity/ (the build does it) or set -Danvil.path");
        }
        return path;
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    /** The anvil process, for the run command's watchdog and its record of what it started. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /**
     * The state file keeps the blocks but not the offset that evm_increaseTime added to the clock (the demo data moves
     * it two hours ahead): restarted, anvil would mine blocks older than the last one, and a closed bounty would take
     * submissions again. So the clock goes on from the last block's time when that is ahead of the wall clock.
     */
    private void resumeClock() throws IOException {
        JsonNode latest = call("eth_getBlockByNumber", "[\"latest\", false]");
        long last = Long.decode(latest.path("timestamp").asText());
        if (last >= Instant.now().getEpochSecond()) {
            call("anvil_setTime", "[" + (last + 1) + "]");
        }
    }

    private JsonNode call(String method, String params) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}"))
                .build();
        try {
            JsonNode answer = JSON.readTree(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
                    .body());
            if (answer.has("error")) {
                throw new IOException(method + ": " + answer.path("error").path("message").asText());
            }
            return answer.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling anvil", e);
        }
    }

    private void awaitReady(Duration timeout, Path log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("anvil exited with code " + process.exitValue() + "; see " + log.toAbsolutePath());
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for anvil", e);
            }
            sleep(100);
        }
        close();
        throw new IOException("anvil did not answer on " + rpcUrl + " within " + timeout.toSeconds() + " s; see "
                + log.toAbsolutePath());
    }

    /** Stops anvil; SIGTERM lets it dump its state first. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
