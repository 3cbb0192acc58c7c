package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.report.Hashes;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-256 of a byte stream computed on its own thread, so the CSV parser does not pay for it: the reader
 * hands over copies of exactly the bytes it parses (so the hash is of what was scored), in order.
 */
final class AsyncSha256 implements AutoCloseable {
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> free;
    private final BlockingQueue<byte[]> full;
    private final BlockingQueue<int[]> lengths;
    private final Thread thread;
    private final MessageDigest digest = Hashes.newSha256();
    private volatile String result;

    AsyncSha256(int chunkBytes, int chunks) {
        free = new ArrayBlockingQueue<>(chunks);
        full = new ArrayBlockingQueue<>(chunks + 1);
        lengths = new ArrayBlockingQueue<>(chunks + 1);
        for (int i = 0; i < chunks; i++) {
            free.add(new byte[chunkBytes]);
        }
        thread = new Thread(this::run, "test-set-sha256");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                byte[] chunk = full.take();
                if (chunk == END) {
                    result = Hashes.hex(digest.digest());
                    return;
                }
                digest.update(chunk, 0, lengths.take()[0]);
                free.put(chunk);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a copy of {@code bytes[offset, offset + length)}; blocks while every buffer is in use. */
    void update(byte[] bytes, int offset, int length) throws InterruptedException {
        while (length > 0) {
            byte[] chunk = free.take();
            int n = Math.min(length, chunk.length);
            System.arraycopy(bytes, offset, chunk, 0, n);
            lengths.put(new int[] {n});
            full.put(chunk);
            offset += n;
            length -= n;
        }
    }

    /** Waits for the queued bytes and returns the hash, 0x-prefixed. */
    String finish() throws InterruptedException {
        full.put(END);
        thread.join();
        return result;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
