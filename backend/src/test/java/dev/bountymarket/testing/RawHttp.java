package dev.bountymarket.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand, for what a well-behaved client library will not do: announce a body and send only part of it,
 * stream a chunked body, or cut a body short. The body is written on another thread while the answer is read, as a
 * client that keeps sending would.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** The answer: status code, headers (lower-case names), body, and how long it took to arrive. */
    public record Answer(int status, Map<String, String> headers, String body, long millis) {
    }

    /**
     * Sends a POST whose head announces {@code declaredLength} bytes (or chunked encoding when negative) and then writes
     * {@code body}, chunked as announced, and keeps the connection open; returns the answer, or throws
     * {@link SocketTimeoutException} when none arrives within {@code timeoutMillis}.
     */
    public static Answer post(int port, String path, Map<String, String> headers, long declaredLength, byte[] body,
            int timeoutMillis) throws IOException {
        long started = System.nanoTime();
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(timeoutMillis);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append(declaredLength < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + declaredLength + "\r\n");
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = new Thread(() -> {
                try {
                    if (declaredLength < 0) {
                        for (int at = 0; at < body.length; at += 8192) {
                            int n = Math.min(8192, body.length - at);
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(body, at, n);
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(body);
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server answered and stopped reading: what some tests expect
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            return read(socket.getInputStream(), started);
        }
    }

    private static Answer read(InputStream in, long started) throws IOException {
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; size = Integer.parseInt(line(in).strip(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        }
        return new Answer(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the server closed the connection after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
