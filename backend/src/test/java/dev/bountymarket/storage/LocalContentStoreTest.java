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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalContentStoreTest {

    private static final byte[] CSV = "x1,x2,label\n0.1,0.2,1\n0.3,0.4,0\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    LocalContentStore store;

    @BeforeEach
    void open() {
        store = new LocalContentStore(new StorageConfig() {
            public String directory() {
                return dir.toString();
            }

            public Optional<String> encryptionKey() {
                return Optional.empty();
            }

            public long maxModelBytes() {
                return 1000;
            }

            public long maxTestSetBytes() {
                return 1000;
            }

            public Kind kind() {
                return Kind.LOCAL;
            }

            public S3 s3() {
                throw new UnsupportedOperationException();
            }
        });
    }

    @Test
    void put_storesPublicContentUnderItsSha256AndDeduplicates() throws Exception {
        StoredObject first = store.put(new ByteArrayInputStream(CSV), 1000, false);
        StoredObject again = store.put(new ByteArrayInputStream(CSV), 1000, false);

        assertEquals(sha256(CSV), first.sha256());
        assertEquals(first.sha256(), first.key());
        assertEquals(first, again);
        assertEquals(CSV.length, first.size());
        try (InputStream in = store.open(first)) {
            assertArrayEquals(CSV, in.readAllBytes());
        }
        assertEquals(1, countFiles("objects"));
    }

    @Test
    void put_keepsHiddenContentEncryptedUnderARandomName() throws Exception {
        StoredObject sealed = store.put(new ByteArrayInputStream(CSV), 1000, true);

        assertEquals(sha256(CSV), sealed.sha256());
        assertNotEquals(sealed.sha256(), sealed.key(), "the file name must not give the hidden hash away");
        byte[] onDisk = Files.readAllBytes(dir.resolve("sealed").resolve(sealed.key()));
        assertFalse(new String(onDisk, StandardCharsets.ISO_8859_1).contains("label"), "not in the clear on disk");
        try (InputStream in = store.open(sealed)) {
            assertArrayEquals(CSV, in.readAllBytes());
        }
        Path copy = dir.resolve("copy.csv");
        store.copyTo(sealed, copy);
        assertArrayEquals(CSV, Files.readAllBytes(copy));
    }

    @Test
    void put_rejectsOversizedUploadAndKeepsNothing() throws Exception {
        var e = assertThrows(StorageException.class, () -> store.put(new ByteArrayInputStream(new byte[1001]), 1000, false));

        assertEquals(StorageException.Code.TOO_LARGE, e.code);
        assertEquals("the file is larger than the limit of 1000 bytes", e.getMessage());
        assertNothingStored();
    }

    @Test
    void put_rejectsEmptyUploadAndKeepsNothing() throws Exception {
        var e = assertThrows(StorageException.class, () -> store.put(new ByteArrayInputStream(new byte[0]), 1000, true));

        assertEquals(StorageException.Code.INVALID_CONTENT, e.code);
        assertNothingStored();
    }

    @Test
    void put_keepsNothingOfAnUploadThatBreaksOff() throws Exception {
        InputStream breaksOff = new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 500) {
                    return 'x';
                }
                throw new IOException("connection reset by peer");
            }
        };

        var e = assertThrows(StorageException.class, () -> store.put(breaksOff, 1000, false));

        assertEquals(StorageException.Code.IO_FAILURE, e.code);
        assertTrue(e.getMessage().contains("connection reset by peer"));
        assertNothingStored();
    }

    private void assertNothingStored() throws IOException {
        assertEquals(0, countFiles("incoming"));
        assertEquals(0, countFiles("objects"));
        assertEquals(0, countFiles("sealed"));
    }

    private long countFiles(String sub) throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve(sub))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
