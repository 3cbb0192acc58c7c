package dev.bountymarket.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged server (target/quarkus-app) run as a process by tests and benchmarks, with its output in a log file. */
public final class ServerProcess {

    private static final Pattern CONTRACT = Pattern.compile("\"contract\"\\s*:\\s*\"(0x[0-9a-fA-F]{40})\"");

    private ServerProcess() {
    }

    /** Starts the packaged server with {@code settings} as system properties, after {@code jvmOptions}. */
    public static Process start(Map<String, String> settings, List<String> jvmOptions, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar")));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Stops the server as Ctrl-C would, and kills it if it is still running after 30 s. */
    public static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(30, TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
    }

    /** The contract address a readiness answer names. */
    public static String contract(String readyAnswer) {
        Matcher contract = CONTRACT.matcher(readyAnswer);
        if (!contract.find()) {
            throw new AssertionError("no contract in the readiness answer: " + readyAnswer);
        }
        return contract.group(1);
    }

    /**
     * Waits up to 120 s for {@code /q/health/ready} to answer 200 and returns that answer. Fails with the server's log
     * if the process exits first or never gets ready (the process is then killed).
     */
    public static String awaitReady(Process app, int httpPort, Path log) throws IOException, InterruptedException {
        return awaitReady(app, httpPort, log, Duration.ofSeconds(120));
    }

    /** {@link #awaitReady(Process, int, Path)} with another time limit. */
    public static String awaitReady(Process app, int httpPort, Path log, Duration limit)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError("the server exited with " + app.exitValue() + ":\n" + Files.readString(log));
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
        app.destroyForcibly();
        throw new AssertionError("the server was not ready within " + limit.toSeconds() + " s:\n" + Files.readString(log));
    }
}
