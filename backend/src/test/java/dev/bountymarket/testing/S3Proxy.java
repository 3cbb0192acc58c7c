package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server for tests: s3proxy (its self-contained jar, copied to target/s3proxy by the build) in a child
 * process on a free port, keeping its buckets in memory. Not a mock: the store talks to it over HTTP with
 * SigV4, as to AWS S3 or MinIO.
 */
public final class S3Proxy implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";

    private final Process process;
    private final URI endpoint;

    private S3Proxy(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static S3Proxy start(Path dir) {
        return start(dir, null);
    }

    /**
     * With {@code disk} set, the buckets are kept in that folder instead of memory (s3proxy's filesystem store),
     * for objects of gigabytes (the benchmark's uploads).
     */
    public static S3Proxy start(Path dir, Path disk) {
        try {
            Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: the build copies it (mvn generate-test-resources)");
            }
            int port = TestChain.freePort();
            Path properties = dir.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    // In memory (jimfs), or on disk: s3proxy's own blob stores, with multipart uploads as S3 keeps them.
                    disk == null ? "jclouds.provider=transient-nio2" : "jclouds.provider=filesystem",
                    disk == null ? "" : "jclouds.filesystem.basedir=" + disk.toAbsolutePath(),
                    "jclouds.identity=unused",
                    "jclouds.credential=unused",
                    ""));
            Path log = dir.resolve("s3proxy.log");
            Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-jar", jar.toAbsolutePath().toString(), "--properties", properties.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            S3Proxy proxy = new S3Proxy(process, URI.create("http://127.0.0.1:" + port));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!answers(port)) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("s3proxy did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client of its own, to look at the bucket behind the store's back. */
    public S3Client client() {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

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
}
