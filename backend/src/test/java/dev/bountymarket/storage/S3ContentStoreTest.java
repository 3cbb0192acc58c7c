package dev.bountymarket.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bountymarket.testing.S3Proxy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 store against a real S3 API server (s3proxy, in a child process): multipart uploads whose memory is one
 * part, range reads, nothing left of an upload that fails, and hidden test sets that reach the bucket only as
 * ciphertext.
 */
class S3ContentStoreTest {

    private static final int PART = 5 * 1024 * 1024;
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    static Path dir;

    static S3Proxy proxy;
    static S3Client admin;

    String bucket;
    S3ContentStore store;
    final List<Long> partsSent = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startS3() {
        proxy = S3Proxy.start(dir);
        admin = proxy.client();
    }

    @AfterAll
    static void stopS3() {
        admin.close();
        proxy.close();
    }

    @BeforeEach
    void open() {
        bucket = "test-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBucket(b -> b.bucket(bucket));
        StorageConfig config = config(proxy.endpoint(), bucket, PART);
        ExecutionInterceptor countParts = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest part) {
                    partsSent.add(part.contentLength());
                }
            }
        };
        store = new S3ContentStore(config, S3ContentStore.clientBuilder(config)
                .overrideConfiguration(o -> o.addExecutionInterceptor(countParts)).build());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void put_streamsAModelOfSeveralPartsAndReadsItBack() throws Exception {
        byte[] model = random(4 * PART + 12345);

        StoredObject stored = store.put(new ByteArrayInputStream(model), 100L * PART, false);

        assertEquals(sha256(model), stored.sha256(), "hashed on the way");
        assertEquals(model.length, stored.size());
        assertEquals(5, partsSent.size(), "five parts of at most one part size each: " + partsSent);
        assertTrue(partsSent.stream().allMatch(n -> n <= PART), "memory is bounded by the part size");
        try (InputStream in = store.open(stored)) {
            assertArrayEquals(model, in.readAllBytes());
        }
        Path copy = dir.resolve("model-" + bucket + ".onnx");
        store.copyTo(stored, copy);
        assertArrayEquals(model, Files.readAllBytes(copy));
        assertTrue(store.exists(stored));
        assertNoUploadsInProgress();
    }

    @Test
    void put_storesSmallContentInOneRequest() throws Exception {
        byte[] report = "{\"score\":1}".getBytes(StandardCharsets.UTF_8);

        StoredObject stored = store.put(new ByteArrayInputStream(report), 1000, false);

        assertEquals(List.of(), partsSent, "no multipart upload for less than a part");
        try (InputStream in = store.open(stored)) {
            assertArrayEquals(report, in.readAllBytes());
        }
    }

    @Test
    void open_readsARangeOfAPublicObject() throws Exception {
        byte[] model = random(2 * PART + 100);
        StoredObject stored = store.put(new ByteArrayInputStream(model), 100L * PART, false);

        try (InputStream in = store.open(stored, PART - 10, 1000)) {
            assertArrayEquals(Arrays.copyOfRange(model, PART - 10, PART + 990), in.readAllBytes());
        }
        try (InputStream in = store.open(stored, model.length - 7, 7)) {
            assertArrayEquals(Arrays.copyOfRange(model, model.length - 7, model.length), in.readAllBytes());
        }
    }

    @Test
    void open_readsARangeOfASealedObjectAcrossItsChunks() throws Exception {
        byte[] testSet = random(3 * ChunkedAesGcm.CHUNK + 500);
        StoredObject sealed = store.put(new ByteArrayInputStream(testSet), 100L * PART, true);

        int from = ChunkedAesGcm.CHUNK - 10;
        try (InputStream in = store.open(sealed, from, ChunkedAesGcm.CHUNK + 20)) {
            assertArrayEquals(Arrays.copyOfRange(testSet, from, from + ChunkedAesGcm.CHUNK + 20), in.readAllBytes());
        }
        try (InputStream in = store.open(sealed, testSet.length - 3, 3)) {
            assertArrayEquals(Arrays.copyOfRange(testSet, testSet.length - 3, testSet.length), in.readAllBytes());
        }
    }

    @Test
    void put_keepsAHiddenTestSetAsCiphertextInTheBucket() throws Exception {
        byte[] csv = csv(3 * PART);

        StoredObject sealed = store.put(new ByteArrayInputStream(csv), 100L * PART, true);

        assertEquals(sha256(csv), sealed.sha256());
        assertNotEquals(sealed.sha256(), sealed.key(), "the object's name must not give the hidden hash away");
        List<S3Object> objects = admin.listObjectsV2(b -> b.bucket(bucket)).contents();
        assertEquals(1, objects.size());
        assertFalse(objects.get(0).key().contains(sealed.sha256()));
        byte[] inTheBucket = admin.getObjectAsBytes(b -> b.bucket(bucket).key(objects.get(0).key())).asByteArray();
        assertFalse(new String(inTheBucket, StandardCharsets.ISO_8859_1).contains("feature_1"),
                "the store never sees the plaintext");
        assertNotEquals(sha256(csv), sha256(inTheBucket));
        assertTrue(partsSent.size() >= 3, "a large test set is sent in parts too: " + partsSent);
        try (InputStream in = store.open(sealed)) {
            assertArrayEquals(csv, in.readAllBytes());
        }
    }

    @Test
    void put_leavesNoObjectNorPartsOfAnUploadThatBreaksOff() {
        InputStream breaksOff = new InputStream() {
            final Random random = new Random(1);
            long sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 2L * PART + 100) {
                    return random.nextInt(256);
                }
                throw new IOException("connection reset by peer");
            }
        };

        var e = assertThrows(StorageException.class, () -> store.put(breaksOff, 100L * PART, false));

        assertEquals(StorageException.Code.IO_FAILURE, e.code);
        assertTrue(e.getMessage().contains("connection reset by peer"), e.getMessage());
        assertEquals(2, partsSent.size(), "two parts had gone out before it broke off");
        assertNothingInTheBucket();
    }

    @Test
    void put_leavesNothingOfAnOversizedUpload() {
        var e = assertThrows(StorageException.class,
                () -> store.put(new ByteArrayInputStream(random(3 * PART)), 2L * PART + 1, true));

        assertEquals(StorageException.Code.TOO_LARGE, e.code);
        assertEquals("the file is larger than the limit of " + (2L * PART + 1) + " bytes", e.getMessage());
        assertNothingInTheBucket();
    }

    @Test
    void put_rejectsAnEmptyUpload() {
        var e = assertThrows(StorageException.class, () -> store.put(new ByteArrayInputStream(new byte[0]), 1000, false));

        assertEquals(StorageException.Code.INVALID_CONTENT, e.code);
        assertNothingInTheBucket();
    }

    @Test
    void open_saysNotFoundForAMissingObject() {
        var e = assertThrows(StorageException.class,
                () -> store.open(new StoredObject(UUID.randomUUID().toString(), "00", 1, false)));

        assertEquals(StorageException.Code.NOT_FOUND, e.code);
    }

    private void assertNothingInTheBucket() {
        assertEquals(List.of(), admin.listObjectsV2(b -> b.bucket(bucket)).contents());
        assertNoUploadsInProgress();
    }

    private void assertNoUploadsInProgress() {
        assertEquals(List.of(), admin.listMultipartUploads(b -> b.bucket(bucket)).uploads(),
                "no multipart upload left behind (its parts would be billed and kept)");
    }

    static StorageConfig config(URI endpoint, String bucket, long partSize) {
        return new StorageConfig() {
            public Kind kind() {
                return Kind.S3;
            }

            public String directory() {
                return "unused";
            }

            public Optional<String> encryptionKey() {
                return Optional.of(KEY);
            }

            public long maxModelBytes() {
                return 100L * PART;
            }

            public long maxTestSetBytes() {
                return 100L * PART;
            }

            public S3 s3() {
                return new S3() {
                    public Optional<String> bucket() {
                        return Optional.of(bucket);
                    }

                    public Optional<URI> endpoint() {
                        return Optional.of(endpoint);
                    }

                    public String region() {
                        return "us-east-1";
                    }

                    public boolean pathStyle() {
                        return true;
                    }

                    public Optional<String> accessKeyId() {
                        return Optional.of(S3Proxy.ACCESS_KEY);
                    }

                    public Optional<String> secretAccessKey() {
                        return Optional.of(S3Proxy.SECRET_KEY);
                    }

                    public long partSize() {
                        return partSize;
                    }
                };
            }
        };
    }

    private static byte[] random(int length) {
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);
        return data;
    }

    private static byte[] csv(int approximateLength) {
        StringBuilder csv = new StringBuilder("feature_1,feature_2,label\n");
        Random random = new Random(7);
        while (csv.length() < approximateLength) {
            csv.append(random.nextDouble()).append(',').append(random.nextDouble()).append(',')
                    .append(random.nextInt(2)).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
