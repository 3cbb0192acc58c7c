package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a zip's end record (and its ZIP64 record) before {@link java.util.zip.ZipFile} does: ZipFile reads the
 * whole central directory into memory and sizes its tables by the entry count it states, so both are checked
 * against {@link TestSetLimits} first. A file without an end record is left for ZipFile to refuse.
 */
final class ZipDirectory {
    private static final int END = 0x06054b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int END_SIZE = 22;

    private ZipDirectory() {}

    static void check(Path file, String name, TestSetLimits limits) throws EvaluationException {
        long entries;
        long directoryBytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int tailLength = (int) Math.min(size, END_SIZE + 0xFFFF + 20);
            ByteBuffer tail = read(channel, size - tailLength, tailLength);
            int end = -1;
            for (int p = tailLength - END_SIZE; p >= 0; p--) {
                if (tail.getInt(p) == END) {
                    end = p;
                    break;
                }
            }
            if (end < 0) {
                return;
            }
            entries = tail.getShort(end + 10) & 0xFFFF;
            directoryBytes = tail.getInt(end + 12) & 0xFFFFFFFFL;
            if (end >= 20 && tail.getInt(end - 20) == ZIP64_LOCATOR) {
                long at = tail.getLong(end - 20 + 8);
                if (at >= 0 && at + 56 <= size) {
                    ByteBuffer zip64 = read(channel, at, 56);
                    if (zip64.getInt(0) == ZIP64_END) {
                        entries = Math.max(entries, zip64.getLong(32));
                        directoryBytes = Math.max(directoryBytes, zip64.getLong(40));
                    }
                }
            }
        } catch (IOException e) {
            throw Malformed.file(name, "cannot be read (" + e.getMessage() + ")");
        }
        if (entries < 0 || entries > limits.maxEntries()) {
            throw Malformed.overLimit(name, "the zip's directory lists " + Long.toUnsignedString(entries)
                    + " entries; the evaluator opens at most " + Malformed.count(limits.maxEntries()));
        }
        if (directoryBytes > limits.maxCentralDirectoryBytes()) {
            throw Malformed.overLimit(name, "the zip's directory is " + CappedEntryStream.bytes(directoryBytes)
                    + "; the evaluator reads at most " + CappedEntryStream.bytes(limits.maxCentralDirectoryBytes()) + " of it");
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // until full or at the end of the file
        }
        return buffer.flip();
    }
}
