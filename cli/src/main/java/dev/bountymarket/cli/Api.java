package dev.bountymarket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.bountymarket.evaluator.report.Hashes;

/**
 * The marketplace's JSON API, as the pages use it: a request carries the stored API token when there is one, and an
 * error answer ({@code {"code","message"}}) becomes a {@link CliException} with the server's own words.
 */
public final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Optional<String> token;
    // HTTP/1.1: a server from before the authority fix read the site's origin from the Host header only, which an h2c
    // upgrade leaves out (current servers read HTTP/2's :authority too)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public Api(String base, Optional<String> token) {
        this.base = base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) {
        return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofString(), path));
    }

    /**
     * The answer to GET {@code path}, or empty on 403, 404 or 409 (something not published, not there, or not there
     * yet).
     */
    public Optional<String> getTextIfAllowed(String path) {
        HttpResponse<String> response = sendRaw(request(path).GET(), HttpResponse.BodyHandlers.ofString(), path);
        if (absent(response.statusCode())) {
            return Optional.empty();
        }
        return Optional.of(checked(response, path).body());
    }

    public JsonNode post(String path, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)), HttpResponse.BodyHandlers.ofString(), path));
    }

    /** POST with a session cookie and its CSRF token instead of the API token (only for creating that token). */
    public JsonNode postWithSession(String path, Object body, String cookie, String csrf) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            return json(send(request, HttpResponse.BodyHandlers.ofString(), path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST returning the whole response, for sign-in's cookie. */
    public HttpResponse<String> postForResponse(String path, Object body) {
        try {
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                    HttpResponse.BodyHandlers.ofString(), path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Downloads {@code path} to {@code target} (through a temporary file beside it, so a broken transfer leaves no
     * partial file under the final name) and returns the file's sha256 (0x hex), or empty on 403, 404 or 409 (not
     * published, not there, or not there yet: results the server does not hold).
     */
    public Optional<String> download(String path, Path target) {
        HttpResponse<InputStream> response = sendRaw(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream(), path);
        if (absent(response.statusCode())) {
            try (InputStream ignored = response.body()) {
                return Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                String text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                throw error(response.statusCode(), text, path);
            } catch (IOException e) {
                throw new CliException(ExitCodes.REMOTE, "the server broke off its answer to " + path + ": " + e.getMessage());
            }
        }
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Path partial = Files.createTempFile(target.toAbsolutePath().getParent(), ".download-", ".part");
            MessageDigest sha256 = Hashes.newSha256();
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                Files.deleteIfExists(partial);
                throw new CliException(ExitCodes.REMOTE, "the download of " + path + " broke off: " + e.getMessage());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(Hashes.hex(sha256.digest()));
        } catch (IOException e) {
            throw new CliException(ExitCodes.LOCAL, "cannot write " + target + ": " + e.getMessage());
        }
    }

    /**
     * Uploads {@code file} as the multipart field {@code field} (with its sha256, so the server checks the transfer),
     * printing progress to {@code progress}.
     */
    public JsonNode upload(String path, String field, Path file, String sha256, PrintStream progress) {
        return multipart(path, java.util.Map.of("sha256", sha256), java.util.Map.of(field, file), progress);
    }

    /** A multipart form of text fields and files, streamed, with a progress bar over the files' bytes. */
    public JsonNode multipart(String path, java.util.Map<String, String> fields, java.util.Map<String, Path> files,
            PrintStream progress) {
        String boundary = "----bountymarket" + UUID.randomUUID();
        List<java.util.function.Supplier<InputStream>> parts = new java.util.ArrayList<>();
        long total = 0;
        long fileBytes = 0;
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append("--").append(boundary).append("\r\nContent-Disposition: form-data;"
                + " name=\"").append(name).append("\"\r\n\r\n").append(value).append("\r\n"));
        byte[] textBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        parts.add(() -> new java.io.ByteArrayInputStream(textBytes));
        total += textBytes.length;
        for (java.util.Map.Entry<String, Path> file : files.entrySet()) {
            try {
                fileBytes += Files.size(file.getValue());
            } catch (IOException e) {
                throw new CliException(ExitCodes.LOCAL, "cannot read " + file.getValue() + ": " + e.getMessage());
            }
        }
        Progress bar = new Progress(progress, "uploading " + String.join(", ", files.values().stream()
                .map(f -> f.getFileName().toString()).toList()), fileBytes);
        for (java.util.Map.Entry<String, Path> file : files.entrySet()) {
            String fileName = file.getValue().getFileName().toString().replaceAll("[\"\r\n]", "_");
            byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file.getKey()
                    + "\"; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.UTF_8);
            Path source = file.getValue();
            parts.add(() -> new java.io.ByteArrayInputStream(head));
            parts.add(() -> {
                try {
                    return new Progress.Counting(Files.newInputStream(source), bar);
                } catch (IOException e) {
                    throw new CliException(ExitCodes.LOCAL, "cannot read " + source + ": " + e.getMessage());
                }
            });
            parts.add(() -> new java.io.ByteArrayInputStream(crlf));
            try {
                total += head.length + Files.size(source) + crlf.length;
            } catch (IOException e) {
                throw new CliException(ExitCodes.LOCAL, "cannot read " + source + ": " + e.getMessage());
            }
        }
        byte[] tail = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        parts.add(() -> new java.io.ByteArrayInputStream(tail));
        total += tail.length;
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                () -> new SequenceInputStream(Collections.enumeration(parts.stream().map(java.util.function.Supplier::get)
                        .toList()))), total);
        HttpRequest.Builder request = request(path).timeout(Duration.ofMinutes(30))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body);
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString(), path);
        bar.done();
        return json(response);
    }

    private static boolean absent(int status) {
        return status == 403 || status == 404 || status == 409;
    }

    /** Whether requests carry a stored API token (a signed-in user: the arbiter gets what others may not). */
    public boolean signedIn() {
        return token.isPresent();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, */*");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String path) {
        return checked(sendRaw(request, handler, path), path);
    }

    private <T> HttpResponse<T> sendRaw(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String path) {
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException e) {
            throw new CliException(ExitCodes.REMOTE, "cannot reach the server at " + base + " (is it running? set --server"
                    + " or BOUNTYMARKET_SERVER)");
        } catch (IOException e) {
            throw new CliException(ExitCodes.REMOTE, "the server at " + base + " did not answer " + path + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.REMOTE, "interrupted");
        }
    }

    private static <T> HttpResponse<T> checked(HttpResponse<T> response, String path) {
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), String.valueOf(response.body()), path);
        }
        return response;
    }

    private static CliException error(int status, String body, String path) {
        String message = body;
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
        } catch (IOException notJson) {
            message = body.length() > 300 ? body.substring(0, 300) + "..." : body;
        }
        if (status == 401) {
            return new CliException(ExitCodes.NOT_SIGNED_IN, "the server says: " + message
                    + " (sign in with: bountymarket login)");
        }
        return new CliException(ExitCodes.REMOTE, "the server refused " + path + " (HTTP " + status + "): " + message);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            String body = response.body();
            return body == null || body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new CliException(ExitCodes.REMOTE, "the server's answer is not JSON: " + e.getMessage());
        }
    }
}
