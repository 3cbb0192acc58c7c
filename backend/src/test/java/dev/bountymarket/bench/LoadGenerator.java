package dev.bountymarket.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * GET requests over a fixed number of keep-alive HTTP/1.1 connections, all driven by one thread with a selector, so
 * that the load generator itself costs little of the machine's two cores (java.net.http costs several times more per
 * request). Each connection has at most one request in flight. Two ways to load:
 * <ul>
 * <li>{@link #saturate}: each connection sends its next request as soon as the answer came; gives the most requests
 * per second the server answers, and the latency at that load;</li>
 * <li>{@link #paced}: the connections together send a fixed number of requests per second, each at its planned time.
 * A request's latency counts from its planned time, so a server that falls behind shows it in the latency (no
 * coordinated omission).</li>
 * </ul>
 * It reads just enough HTTP for the server under test: a status line, headers, and a body with Content-Length or
 * chunked transfer encoding.
 */
final class LoadGenerator {

    /** What one run measured. Latencies in milliseconds. */
    record Result(long requests, long errors, double seconds, double p50, double p99, double max) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private final InetSocketAddress server;
    private final int connections;

    LoadGenerator(InetSocketAddress server, int connections) {
        this.server = server;
        this.connections = connections;
    }

    Result saturate(IntFunction<URI> uris, Duration duration) throws IOException {
        return run(uris, duration, 0);
    }

    Result paced(IntFunction<URI> uris, Duration duration, int requestsPerSecond) throws IOException {
        return run(uris, duration, requestsPerSecond);
    }

    /** {@code uris} makes each request's address from a random int. */
    private Result run(IntFunction<URI> uris, Duration duration, int requestsPerSecond) throws IOException {
        // Connection c plans its k-th request at start + (k * connections + c) * interval.
        long interval = requestsPerSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / requestsPerSecond;
        try (Selector selector = Selector.open()) {
            List<Connection> all = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                all.add(new Connection(selector, c));
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            long end = start + duration.toNanos();
            for (Connection c : all) {
                c.planned = start + c.index * interval;
            }
            long[] latencies = new long[1 << 16];
            int count = 0;
            long errors = 0;
            long lastAnswer = start;
            int busy = 0;
            while (true) {
                long now = System.nanoTime();
                long nextPlan = Long.MAX_VALUE;
                for (Connection c : all) {
                    if (c.inFlight) {
                        continue;
                    }
                    if (interval == 0 && now >= start) {
                        c.planned = now;
                    }
                    if (c.planned >= end) {
                        continue;
                    }
                    if (c.planned <= now) {
                        c.send(uris.apply(ThreadLocalRandom.current().nextInt()));
                        busy++;
                    } else {
                        nextPlan = Math.min(nextPlan, c.planned);
                    }
                }
                if (busy == 0 && nextPlan == Long.MAX_VALUE) {
                    break;
                }
                long waitMillis = nextPlan == Long.MAX_VALUE ? 1000
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextPlan - System.nanoTime()));
                selector.select(waitMillis);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    int status = c.read();
                    if (status == 0) {
                        continue;
                    }
                    busy--;
                    if (status != 200) {
                        errors++;
                    }
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    lastAnswer = System.nanoTime();
                    latencies[count++] = lastAnswer - c.planned;
                    c.planned += interval * connections;
                }
                selector.selectedKeys().clear();
            }
            for (Connection c : all) {
                c.channel.close();
            }
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            // A server that falls behind a paced load answers its last planned request after the planned end.
            double seconds = Math.max(duration.toNanos(), lastAnswer - start) / 1e9;
            return new Result(count, errors, seconds, millis(percentile(sorted, 0.50)),
                    millis(percentile(sorted, 0.99)), millis(count == 0 ? 0 : sorted[count - 1]));
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** One keep-alive connection with at most one request in flight. */
    private final class Connection {
        final int index;
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long planned;
        boolean inFlight;

        Connection(Selector selector, int index) throws IOException {
            this.index = index;
            channel = SocketChannel.open(server);
            channel.socket().setTcpNoDelay(true);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        void send(URI uri) throws IOException {
            String path = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":"
                    + server.getPort() + "\r\nAccept: " + (path.startsWith("/api/") || path.startsWith("/q/")
                            ? "application/json" : "text/html") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            while (request.hasRemaining()) {
                channel.write(request); // a few hundred bytes into an idle socket: written at once
            }
            inFlight = true;
        }

        /** Reads what arrived; the response's status once it is complete, else 0. */
        int read() throws IOException {
            if (!in.hasRemaining()) {
                in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            }
            if (channel.read(in) < 0) {
                throw new IOException("the server closed connection " + index);
            }
            int status = complete(in.array(), in.position());
            if (status != 0) {
                in.clear();
                inFlight = false;
            }
            return status;
        }
    }

    /** The status of the response in {@code bytes[0..length)} if it is complete, else 0. */
    static int complete(byte[] bytes, int length) {
        int headersEnd = indexOf(bytes, 0, length, "\r\n\r\n");
        if (headersEnd < 0) {
            return 0;
        }
        String headers = new String(bytes, 0, headersEnd, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(headers.substring(9, 12));
        int body = headersEnd + 4;
        int lengthAt = headers.indexOf("\r\ncontent-length:");
        if (lengthAt >= 0) {
            int lineEnd = headers.indexOf("\r\n", lengthAt + 2);
            int contentLength = Integer.parseInt(headers.substring(lengthAt + 17, lineEnd < 0 ? headers.length() : lineEnd).trim());
            return length >= body + contentLength ? status : 0;
        }
        if (headers.contains("\r\ntransfer-encoding: chunked")) {
            int at = body;
            while (true) {
                int lineEnd = indexOf(bytes, at, length, "\r\n");
                if (lineEnd < 0) {
                    return 0;
                }
                int size = Integer.parseInt(new String(bytes, at, lineEnd - at, StandardCharsets.US_ASCII).trim(), 16);
                at = lineEnd + 2 + size + 2;
                if (at > length) {
                    return 0;
                }
                if (size == 0) {
                    return status;
                }
            }
        }
        return status; // no body
    }

    private static int indexOf(byte[] bytes, int from, int to, String what) {
        outer:
        for (int i = from; i <= to - what.length(); i++) {
            for (int j = 0; j < what.length(); j++) {
                if (bytes[i + j] != what.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
