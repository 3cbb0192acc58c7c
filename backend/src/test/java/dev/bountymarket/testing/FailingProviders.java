package dev.bountymarket.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * {@link TestChain} with two JSON-RPC providers, as {@code chain.rpc-urls}: the first (its URL with an API key in the
 * path, as providers give them) is a {@link FreezingProxy} in front of a rate limiter in front of anvil, which a test
 * can freeze (it takes requests and says nothing) or make answer every call with HTTP 429 and a Retry-After; the second
 * is anvil itself. {@code chain.rpc-url} stays anvil's, for the test's own driver.
 *
 * <p>Modes and counts are JVM-wide system properties: the resource and the test may see this class through different
 * class loaders.
 */
public class FailingProviders extends TestChain {

    /** The first provider's API key: it must never show outside the server's configuration. */
    public static final String KEY = "KEY-NEVER-SHOWN";

    private static final String NAME = "first-provider";
    private static final String LIMITED = "test.failing-providers.rate-limited";
    private static final String REFUSED = "test.failing-providers.refused";

    private FreezingProxy proxy;
    private HttpServer limiter;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String anvil = config.get("chain.rpc-url");
        rateLimited(false);
        System.setProperty(REFUSED, "0");
        try {
            limiter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpClient http = HttpClient.newHttpClient();
        limiter.createContext("/", exchange -> forward(exchange, http, anvil));
        limiter.setExecutor(Executors.newCachedThreadPool());
        limiter.start();
        proxy = FreezingProxy.start(NAME, "127.0.0.1", limiter.getAddress().getPort());
        config.put("chain.rpc-urls", "http://127.0.0.1:" + proxy.port() + "/v2/" + KEY + "," + anvil);
        config.put("chain.rpc-timeout", "2s");
        config.put("chain.rpc-backoff", "200ms");
        config.put("chain.rpc-max-backoff", "2s");
        return config;
    }

    private static void forward(HttpExchange exchange, HttpClient http, String anvil) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (Boolean.getBoolean(LIMITED)) {
                System.setProperty(REFUSED, String.valueOf(Long.getLong(REFUSED, 0) + 1));
                exchange.getResponseHeaders().add("Retry-After", "1");
                exchange.sendResponseHeaders(429, -1);
                return;
            }
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(anvil))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first provider stops answering: requests are taken and held, nothing comes back. */
    public static void freeze() {
        FreezingProxy.freeze(NAME);
    }

    public static void thaw() {
        FreezingProxy.thaw(NAME);
    }

    /** The first provider answers every call with 429 and {@code Retry-After: 1}, or forwards them again. */
    public static void rateLimited(boolean on) {
        System.setProperty(LIMITED, String.valueOf(on));
    }

    /** Calls the first provider answered with 429 so far. */
    public static long refused() {
        return Long.getLong(REFUSED, 0);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (limiter != null) {
            limiter.stop(0);
        }
        super.stop();
    }
}
