package dev.bountymarket.storage;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM over a stream, in chunks, so that neither side holds the whole file in memory (a single GCM message
 * must be buffered entirely before it can be authenticated). Each chunk is sealed on its own with a nonce made of a
 * random 8-byte prefix and the chunk's number, and the chunk's number and a last-chunk flag as associated data, so
 * chunks cannot be reordered, dropped or the stream truncated without the decryption failing.
 *
 * <p>Layout: {@code prefix(8)} then chunks of {@code [length(4)][ciphertext+tag]}, the last one flagged.
 */
public final class ChunkedAesGcm {

    static final int CHUNK = 1 << 20;
    static final int PREFIX = 8;
    private static final int TAG_BITS = 128;
    private static final int TAG_BYTES = TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChunkedAesGcm() {
    }

    /** Encrypts all of {@code in} to {@code out}. */
    public static void encrypt(SecretKey key, InputStream in, OutputStream out) throws IOException {
        byte[] prefix = new byte[PREFIX];
        RANDOM.nextBytes(prefix);
        out.write(prefix);
        byte[] current = new byte[CHUNK];
        byte[] next = new byte[CHUNK];
        int currentLength = in.readNBytes(current, 0, CHUNK);
        long index = 0;
        while (true) {
            int nextLength = currentLength == CHUNK ? in.readNBytes(next, 0, CHUNK) : 0;
            boolean last = nextLength == 0;
            byte[] sealed = seal(key, Cipher.ENCRYPT_MODE, prefix, index, last, current, currentLength);
            out.write(ByteBuffer.allocate(4).putInt(sealed.length).array());
            out.write(sealed);
            if (last) {
                return;
            }
            byte[] swap = current;
            current = next;
            next = swap;
            currentLength = nextLength;
            index++;
        }
    }

    /** Decrypts all of {@code in} to {@code out}; throws if anything was changed, reordered or cut off. */
    public static void decrypt(SecretKey key, InputStream in, OutputStream out) throws IOException {
        decrypting(key, in).transferTo(out);
    }

    /**
     * The plaintext of {@code in}, decrypted a chunk at a time as it is read. A read fails with an IOException at the
     * first chunk that was changed, reordered or cut off; nothing unauthenticated is ever returned.
     */
    public static InputStream decrypting(SecretKey key, InputStream in) {
        return new DecryptingStream(key, in.markSupported() ? in : new BufferedInputStream(in, 1 << 16));
    }

    /** Where plaintext chunk {@code index} (of {@link #CHUNK} bytes) starts in the sealed form: to read a range. */
    static long sealedOffset(long index) {
        return PREFIX + index * (4L + CHUNK + TAG_BYTES);
    }

    /**
     * The plaintext from chunk {@code firstChunk} on: {@code in} reads the sealed form from
     * {@link #sealedOffset}{@code (firstChunk)} to its end, {@code prefix} is the sealed form's first
     * {@link #PREFIX} bytes. Every chunk is authenticated as in {@link #decrypting(SecretKey, InputStream)}.
     */
    static InputStream decrypting(SecretKey key, byte[] prefix, long firstChunk, InputStream in) throws IOException {
        if (prefix.length != PREFIX) {
            throw new IOException("encrypted object is truncated");
        }
        DecryptingStream stream = new DecryptingStream(key, in.markSupported() ? in : new BufferedInputStream(in, 1 << 16));
        stream.prefix = prefix.clone();
        stream.index = firstChunk;
        return stream;
    }

    private static final class DecryptingStream extends InputStream {
        private final SecretKey key;
        private final InputStream in;
        private byte[] prefix;
        private byte[] plain = new byte[0];
        private int position;
        private long index;
        private boolean done;

        DecryptingStream(SecretKey key, InputStream in) {
            this.key = key;
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (position == plain.length) {
                if (done) {
                    return -1;
                }
                nextChunk();
            }
            int n = Math.min(length, plain.length - position);
            System.arraycopy(plain, position, buffer, offset, n);
            position += n;
            return n;
        }

        private void nextChunk() throws IOException {
            if (prefix == null) {
                prefix = in.readNBytes(PREFIX);
                if (prefix.length != PREFIX) {
                    throw new IOException("encrypted object is truncated");
                }
            }
            byte[] lengthBytes = in.readNBytes(4);
            if (lengthBytes.length != 4) {
                throw new IOException("encrypted object is truncated: its last chunk is missing");
            }
            int length = ByteBuffer.wrap(lengthBytes).getInt();
            if (length < TAG_BYTES || length > CHUNK + TAG_BYTES) {
                throw new IOException("encrypted object is corrupt: chunk " + index + " has length " + length);
            }
            byte[] sealed = in.readNBytes(length);
            if (sealed.length != length) {
                throw new EOFException("encrypted object is truncated in chunk " + index);
            }
            in.mark(1);
            boolean last = in.read() < 0;
            in.reset();
            plain = seal(key, Cipher.DECRYPT_MODE, prefix, index++, last, sealed, length);
            position = 0;
            done = last;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static byte[] seal(SecretKey key, int mode, byte[] prefix, long index, boolean last, byte[] data, int length)
            throws IOException {
        byte[] nonce = ByteBuffer.allocate(12).put(prefix).putInt((int) index).array();
        if (index > Integer.MAX_VALUE) {
            throw new IOException("object too large to encrypt");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ByteBuffer.allocate(9).putLong(index).put((byte) (last ? 1 : 0)).array());
            return cipher.doFinal(data, 0, length);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IOException("encrypted object fails authentication at chunk " + index
                    + " (changed, reordered, truncated, or another key)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM unavailable: " + e.getMessage(), e);
        }
    }
}
