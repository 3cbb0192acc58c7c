package dev.bountymarket.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waiting on the packaged server that a test started as a process, with its output in a log file. */
public final class ServerProcess {

    private ServerProcess() {
    }

    /**
     * Waits up to 120 s for {@code /q/health/ready} to answer 200 and returns that answer. Fails with the server's log
     * if the process exits first or never gets ready (the process is then killed).
     */
    public static String awaitReady(Process app, int httpPort, Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
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
        throw new AssertionError("the server was not ready within 120 s:\n" + Files.readString(log));
    }
}
