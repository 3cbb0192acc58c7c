package dev.bountymarket.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ChunkedAesGcmTest {

    private static final int CHUNK = ChunkedAesGcm.CHUNK;
    private final SecretKey key = key(1);

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17})
    void decrypt_returnsWhatWasEncrypted(int size) throws IOException {
        byte[] plain = random(size);

        assertArrayEquals(plain, decrypt(key, encrypt(plain)));
    }

    @Test
    void decrypt_failsIfOneBitChanged() throws IOException {
        byte[] sealed = encrypt(random(2 * CHUNK + 5));
        sealed[CHUNK + 100] ^= 0x01;

        var e = assertThrows(IOException.class, () -> decrypt(key, sealed));
        assertTrue(e.getMessage().contains("fails authentication at chunk 1"), e.getMessage());
    }

    @Test
    void decrypt_failsIfLastChunkCutOff() throws IOException {
        byte[] sealed = encrypt(random(2 * CHUNK + 5));
        // prefix(8) + [len(4) + CHUNK + tag(16)] x 2: drop the short last chunk entirely.
        byte[] truncated = Arrays.copyOf(sealed, 8 + 2 * (4 + CHUNK + 16));

        assertThrows(IOException.class, () -> decrypt(key, truncated));
    }

    @Test
    void decrypt_failsIfChunksSwapped() throws IOException {
        byte[] sealed = encrypt(random(3 * CHUNK));
        int chunk = 4 + CHUNK + 16;
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, 8, swapped, 8 + chunk, chunk);
        System.arraycopy(sealed, 8 + chunk, swapped, 8, chunk);

        assertThrows(IOException.class, () -> decrypt(key, swapped));
    }

    @Test
    void decrypt_failsWithAnotherKey() throws IOException {
        byte[] sealed = encrypt(random(100));

        assertThrows(IOException.class, () -> decrypt(key(2), sealed));
    }

    private byte[] encrypt(byte[] plain) throws IOException {
        var out = new ByteArrayOutputStream();
        ChunkedAesGcm.encrypt(key, new ByteArrayInputStream(plain), out);
        return out.toByteArray();
    }

    private static byte[] decrypt(SecretKey key, byte[] sealed) throws IOException {
        var out = new ByteArrayOutputStream();
        ChunkedAesGcm.decrypt(key, new ByteArrayInputStream(sealed), out);
        return out.toByteArray();
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static SecretKey key(int seed) {
        byte[] bytes = new byte[32];
        new Random(seed).nextBytes(bytes);
        return new SecretKeySpec(bytes, "AES");
    }
}
