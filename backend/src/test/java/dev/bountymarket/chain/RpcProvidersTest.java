package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Failover, ordering and backoff of {@link RpcProviders} against real local HTTP servers that answer as providers do
 * when they fail: 500, 429 with Retry-After, silence. A call's clock is the test's, so backoffs are checked without
 * waiting for them.
 */
class RpcProvidersTest {

    /** A local HTTP server answering JSON-RPC calls with a fixed status, result or silence, recording what it got. */
    static final class Provider implements AutoCloseable {
        final HttpServer server;
        final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        volatile int status = 200;
        volatile String retryAfter;
        volatile String result = "\"0x2a\"";
        volatile String error;
        volatile boolean silent;

        Provider() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::answer);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.start();
        }

        /** Its URL with an API key in the path, as providers hand them out. */
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/SECRET-KEY-" + server.getAddress().getPort();
        }

        private void answer(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            if (silent) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(body);
            String answer = status != 200 ? "{\"error\": \"busy\"}"
                    : "{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "1") + ","
                            + (error != null ? "\"error\":{\"code\":-32000,\"message\":\"" + error + "\"}"
                                    : "\"result\":" + result) + "}";
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        int calls() {
            return bodies.size();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<Provider> providers = new ArrayList<>();
    private final List<Web3j> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(Web3j::shutdown);
        providers.forEach(Provider::close);
    }

    private Provider provider() throws IOException {
        Provider provider = new Provider();
        providers.add(provider);
        return provider;
    }

    private RpcProviders rpc(Provider... order) {
        return new RpcProviders(java.util.Arrays.stream(order).map(Provider::url).toList(), Duration.ofSeconds(1),
                Duration.ofSeconds(8), metrics, now::get);
    }

    private Web3j client(RpcProviders rpc, Duration timeout) {
        Web3j client = Web3jProducer.client(rpc, timeout);
        clients.add(client);
        return client;
    }

    private void pass(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private static long blockNumber(Web3j client) throws IOException {
        return client.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    @Test
    void aFailingProviderIsSkippedWithDoublingBackoffAndAskedAgainOnceItIsDue() throws IOException {
        Provider first = provider();
        Provider second = provider();
        RpcProviders rpc = rpc(first, second);
        Web3j client = client(rpc, Duration.ofSeconds(2));
        first.status = 500;

        assertEquals(42, blockNumber(client), "the second answers the call the first failed");
        assertEquals(1, first.calls());
        assertEquals(1, second.calls());
        assertEquals(List.of(RpcUrls.host(first.url()) + ": HTTP 500"), rpc.backingOff());
        assertEquals(1.0, metrics.counter("chain.rpc.failovers", "provider", "2 " + RpcUrls.host(second.url())).count());

        assertEquals(42, blockNumber(client));
        assertEquals(1, first.calls(), "within its backoff the first is not asked");
        assertEquals(2, second.calls());

        pass(Duration.ofMillis(1_100));
        assertEquals(42, blockNumber(client));
        assertEquals(2, first.calls(), "due again after 1 s, and asked first");
        assertEquals(3, second.calls(), "it failed again: the second answered");

        pass(Duration.ofMillis(1_100));
        blockNumber(client);
        assertEquals(2, first.calls(), "the second failure in a row doubled its backoff to 2 s");
        pass(Duration.ofMillis(1_000));
        first.status = 200;
        blockNumber(client);
        assertEquals(3, first.calls());
        assertEquals(4, second.calls(), "due again, it answered");
        blockNumber(client);
        assertEquals(4, first.calls(), "one answer ends its backoff: the first is asked first again");
        assertEquals(4, second.calls());
        assertEquals(List.of(), rpc.backingOff());
        assertEquals(2.0, metrics.counter("chain.rpc.failures", "provider", "1 " + RpcUrls.host(first.url()),
                "reason", "http_error").count());
    }

    @Test
    void aRateLimitedProviderIsSkippedForAsLongAsItsRetryAfterSays() throws IOException {
        Provider first = provider();
        Provider second = provider();
        Web3j client = client(rpc(first, second), Duration.ofSeconds(2));
        first.status = 429;
        first.retryAfter = "30";

        assertEquals(42, blockNumber(client));
        first.status = 200;
        pass(Duration.ofSeconds(29));
        blockNumber(client);
        assertEquals(1, first.calls(), "30 s asked for, longer than the 8 s backoff cap: honoured");
        pass(Duration.ofSeconds(2));
        blockNumber(client);
        assertEquals(2, first.calls());
        assertEquals(2, second.calls());
        assertEquals(1.0, metrics.counter("chain.rpc.failures", "provider", "1 " + RpcUrls.host(first.url()),
                "reason", "rate_limited").count());
    }

    @Test
    void aProviderThatTakesTheRequestAndSaysNothingIsLeftAfterTheTimeout() throws IOException {
        Provider first = provider();
        Provider second = provider();
        Web3j client = client(rpc(first, second), Duration.ofMillis(1_000));
        first.silent = true;

        long started = System.nanoTime();
        assertEquals(42, blockNumber(client));
        long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(took >= 950 && took < 4_000, "waited for the first about its timeout, then asked the second: " + took);
        assertEquals(1, first.calls());

        started = System.nanoTime();
        blockNumber(client);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 950, "the hung provider is skipped now");
        assertEquals(1, first.calls());
    }

    @Test
    void theChainsOwnErrorIsPassedOnNotFailedOver() throws IOException {
        Provider first = provider();
        Provider second = provider();
        Web3j client = client(rpc(first, second), Duration.ofSeconds(2));
        first.error = "nonce too low";

        var answer = client.ethSendRawTransaction("0x02f86c").send();
        assertTrue(answer.hasError());
        assertEquals("nonce too low", answer.getError().getMessage());
        assertEquals(0, second.calls(), "a JSON-RPC error in a 200 answer is the chain's word, the same everywhere");
    }

    @Test
    void aWriteGoesToTheNextProviderWithTheSameSignedBytes() throws IOException {
        Provider first = provider();
        Provider second = provider();
        Web3j client = client(rpc(first, second), Duration.ofSeconds(2));
        first.status = 502;
        second.result = "\"0x" + "ab".repeat(32) + "\"";

        var sent = client.ethSendRawTransaction("0x02f86c0102030405").send();
        assertFalse(sent.hasError());
        assertEquals("0x" + "ab".repeat(32), sent.getTransactionHash());
        assertEquals(first.bodies, second.bodies, "the same request, byte for byte");
        assertTrue(second.bodies.get(0).contains("0x02f86c0102030405"));
    }

    @Test
    void whenEveryProviderFailsTheErrorNamesEachByItsHostAndNeverItsKey() throws IOException {
        Provider first = provider();
        Provider second = provider();
        Web3j client = client(rpc(first, second), Duration.ofSeconds(2));
        first.status = 503;
        second.status = 429;

        IOException error = assertThrows(IOException.class, () -> blockNumber(client));
        assertEquals("every JSON-RPC provider failed: " + RpcUrls.host(first.url()) + ": HTTP 503; "
                + RpcUrls.host(second.url()) + ": HTTP 429", error.getMessage());
        assertFalse(error.getMessage().contains("SECRET-KEY"));

        first.status = 200;
        assertEquals(42, blockNumber(client), "all backing off: they are asked anyway, the soonest due first");
        assertEquals(2, first.calls());
        assertEquals(1, second.calls());
    }

    @Test
    void aBrokenUrlIsRefusedByPositionAndHostWithoutItsKey() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new RpcProviders(
                List.of("https://eth.example/v2/KEY1", "wss://eth.example/v2/KEY2"), Duration.ofSeconds(1),
                Duration.ofSeconds(8), null));
        assertEquals("chain.rpc-urls entry 2 (eth.example) is not an http(s) URL", error.getMessage());
    }

    @Test
    void retryAfter_readsSecondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(120), RpcProviders.retryAfter(" 120 ").orElseThrow());
        String inAMinute = ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(61)
                .format(DateTimeFormatter.RFC_1123_DATE_TIME);
        long seconds = RpcProviders.retryAfter(inAMinute).orElseThrow().toSeconds();
        assertTrue(seconds >= 58 && seconds <= 61, "about a minute: " + seconds);
        assertTrue(RpcProviders.retryAfter("soon").isEmpty());
        assertTrue(RpcProviders.retryAfter(null).isEmpty());
    }
}
