package dev.bountymarket.evaluator.dataset;

/**
 * How much of a sponsor's test set the evaluator agrees to decode. A test set is a stranger's file, read in the
 * evaluation's child JVM and, at draft upload, in the server itself: each cap bounds what one file can make the
 * evaluator allocate or inflate, so a file beyond one is the sponsor's fault (MALFORMED_TEST_SET, refused at
 * upload) and never an out-of-memory blamed on a contributor. The values are documented in the evaluator's README;
 * change both together.
 *
 * @param maxImagePixels pixels (width x height, from the image's header, before any pixel is allocated) per image
 * @param maxImageBytes bytes an image entry may inflate to
 * @param maxLabelsBytes bytes the labels file may inflate to
 * @param maxLabelsField characters in one field of the labels file
 * @param maxLabelsRecord characters in one record of the labels file (a line, or lines joined by a quoted field)
 * @param maxCompressionRatio how many times its compressed size an entry may inflate to, beyond its first
 *     {@link #RATIO_GRACE_BYTES} (so small, very regular entries are fine)
 * @param maxEntries entries in the zip's central directory
 * @param maxCentralDirectoryBytes size of the zip's central directory, which is read into memory whole
 */
public record TestSetLimits(long maxImagePixels, long maxImageBytes, long maxLabelsBytes, int maxLabelsField,
        int maxLabelsRecord, int maxCompressionRatio, long maxEntries, long maxCentralDirectoryBytes) {

    /** An entry may inflate to this much before its compression ratio is checked. */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    /** A record (line, or lines joined by a quoted field) of a CSV test set; the read buffer never grows past it. */
    public static final int MAX_CSV_RECORD = 64 << 20;

    /** One field of a CSV test set. */
    public static final int MAX_CSV_FIELD = 1 << 20;

    /**
     * The evaluator's caps: 8,388,608 pixels per image (a 3840x2160 frame fits), 64 MiB per image entry, 128 MiB
     * of labels file, fields of 65,536 and records of 1,048,576 characters in it, 100:1 compression, 1,000,000
     * entries and a 128 MiB central directory.
     */
    public static final TestSetLimits DEFAULTS = new TestSetLimits(1L << 23, 64L << 20, 128L << 20, 1 << 16, 1 << 20,
            100, 1_000_000, 128L << 20);

    public TestSetLimits withMaxImagePixels(long value) {
        return new TestSetLimits(value, maxImageBytes, maxLabelsBytes, maxLabelsField, maxLabelsRecord,
                maxCompressionRatio, maxEntries, maxCentralDirectoryBytes);
    }

    public TestSetLimits withMaxImageBytes(long value) {
        return new TestSetLimits(maxImagePixels, value, maxLabelsBytes, maxLabelsField, maxLabelsRecord,
                maxCompressionRatio, maxEntries, maxCentralDirectoryBytes);
    }

    public TestSetLimits withMaxLabelsBytes(long value) {
        return new TestSetLimits(maxImagePixels, maxImageBytes, value, maxLabelsField, maxLabelsRecord,
                maxCompressionRatio, maxEntries, maxCentralDirectoryBytes);
    }

    public TestSetLimits withMaxEntries(long value) {
        return new TestSetLimits(maxImagePixels, maxImageBytes, maxLabelsBytes, maxLabelsField, maxLabelsRecord,
                maxCompressionRatio, value, maxCentralDirectoryBytes);
    }

    public TestSetLimits withMaxCentralDirectoryBytes(long value) {
        return new TestSetLimits(maxImagePixels, maxImageBytes, maxLabelsBytes, maxLabelsField, maxLabelsRecord,
                maxCompressionRatio, maxEntries, value);
    }
}
