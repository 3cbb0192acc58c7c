package dev.bountymarket.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.crypto.SecretKey;

/** Reading a byte range of stored content, plain or sealed, whatever the store. */
final class Ranges {

    /** Bytes of an object as the store keeps them, from {@code from}: {@code length} of them, or to the end (-1). */
    @FunctionalInterface
    interface Source {
        InputStream open(long from, long length) throws IOException;
    }

    private Ranges() {
    }

    /**
     * {@code length} bytes of a sealed object's plaintext from {@code offset}: only the chunks that hold them are
     * read and decrypted (each authenticated, so a range is as trustworthy as the whole).
     */
    static InputStream sealed(SecretKey key, Source sealed, long offset, long length) throws IOException {
        long first = offset / ChunkedAesGcm.CHUNK;
        byte[] prefix;
        try (InputStream in = sealed.open(0, ChunkedAesGcm.PREFIX)) {
            prefix = in.readNBytes(ChunkedAesGcm.PREFIX);
        }
        // To the end, not to the range's last chunk: whether a chunk is the last is authenticated, and told by
        // nothing following it.
        InputStream plain = ChunkedAesGcm.decrypting(key, prefix, first, sealed.open(ChunkedAesGcm.sealedOffset(first), -1));
        try {
            plain.skipNBytes(offset - first * ChunkedAesGcm.CHUNK);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        return limit(plain, length);
    }

    /** At most {@code length} bytes of {@code in}; closing it closes {@code in}. */
    static InputStream limit(InputStream in, long length) {
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(buffer, offset, (int) Math.min(count, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(Math.min(n, left));
                left -= skipped;
                return skipped;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }
        };
    }
}
