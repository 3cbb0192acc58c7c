package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sponsor's test set that cannot be decoded within the evaluator's limits ({@link TestSetLimits}) is the
 * sponsor's fault, MALFORMED_TEST_SET, found before anything large is allocated: each case here is an attack on
 * the evaluator's memory (a header declaring a huge image, a decompression bomb, an endless line).
 */
class TestSetLimitsTest {
    private static final String SPONSOR = " (a limit the evaluator sets on the sponsor's test set)";

    @TempDir
    Path dir;

    private final BountySpec imageSpec = parse(Specs.imageJson(2));

    private static BountySpec parse(String json) {
        try {
            return BountySpec.parse(json);
        } catch (EvaluationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every row, as the draft check and the evaluation do. */
    private static void readAll(BatchSource source, BountySpec spec) throws EvaluationException {
        try (source) {
            Batch batch = new Batch(16, spec.input().rowWidth(), spec.task().isClassification());
            while (source.fill(batch)) {
                // every row decoded
            }
        }
    }

    private EvaluationException refused(Path file, BountySpec spec) {
        EvaluationException e = assertThrows(EvaluationException.class, () -> readAll(TestSets.open(file, spec), spec));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, e.code(), e.getMessage());
        assertEquals(ErrorCode.Party.SPONSOR, e.code().party());
        return e;
    }

    private EvaluationException refused(Path file, TestSetLimits limits) {
        EvaluationException e = assertThrows(EvaluationException.class,
                () -> readAll(new ImageZipBatchSource(file, String.valueOf(file.getFileName()), imageSpec, limits), imageSpec));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, e.code(), e.getMessage());
        return e;
    }

    /** A zip of the given entries, in order, deflated at the highest level. */
    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        Path file = dir.resolve(name);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.setLevel(Deflater.BEST_COMPRESSION);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return file;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A real 1x1 PNG whose IHDR (with a correct CRC) declares {@code width x height}; its pixel data stays 1x1. */
    private static byte[] pngDeclaring(int width, int height) throws IOException {
        byte[] png = ImageData.encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        ByteBuffer ihdr = ByteBuffer.wrap(png).order(ByteOrder.BIG_ENDIAN);
        // signature (8), length (4), "IHDR" at 12, width at 16, height at 20, 13 data bytes, CRC at 29
        ihdr.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        ihdr.putInt(29, (int) crc.getValue());
        return png;
    }

    @Test
    void anImageWhoseHeaderDeclaresTooManyPixelsIsRefusedBeforeItsPixelsAreAllocated() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("ok.png", ImageData.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png"));
        // 20000 x 20000 x 3 bytes is 1.2 GB: allocating it would take down the evaluator, or the server's draft check
        entries.put("huge.png", pngDeclaring(20_000, 20_000));
        entries.put("labels.csv", utf8("file,label\nok.png,red\nhuge.png,green\n"));
        EvaluationException e = refused(zip("images.zip", entries), imageSpec);
        assertEquals("images.zip!labels.csv line 3: image 'huge.png' declares 20000x20000 pixels in its header;"
                + " the evaluator decodes at most 8,388,608 pixels per image" + SPONSOR, e.getMessage());
    }

    @Test
    void aLabelsFileThatInflatesLikeABombIsRefusedAtItsFirstCap() throws Exception {
        // 200 KB of zip, 200 MiB of labels.csv (one endless header line)
        Path bomb = dir.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
            out.setLevel(Deflater.BEST_COMPRESSION);
            out.putNextEntry(new ZipEntry("labels.csv"));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 200; i++) {
                out.write(chunk);
            }
            out.closeEntry();
        }
        assertTrue(Files.size(bomb) < 400_000, "a small file: " + Files.size(bomb));
        EvaluationException e = refused(bomb, imageSpec);
        assertEquals("bomb.zip!labels.csv line 1: a field longer than 65,536 characters" + SPONSOR, e.getMessage());
    }

    @Test
    void anImageEntryWhoseDirectoryUnderstatesItsSizeIsStoppedWhileInflating() throws Exception {
        // A real PNG carrying an 80 MiB chunk of zeros that a reader skips, in an entry the central directory says
        // is 100 bytes: it compresses about 1000:1, and inflates until the ratio gives it away.
        byte[] png = ImageData.encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        int chunk = 80 << 20;
        ByteBuffer padded = ByteBuffer.allocate(png.length + 12 + chunk).order(ByteOrder.BIG_ENDIAN);
        padded.put(png, 0, 33).putInt(chunk).put(utf8("zeRo")).position(padded.position() + chunk);
        CRC32 crc = new CRC32();
        crc.update(padded.array(), 37, 4 + chunk);
        padded.putInt((int) crc.getValue()).put(png, 33, png.length - 33);
        byte[] image = padded.array();
        Path file = zip("liar.zip", Map.of("labels.csv", utf8("file,label\na.png,red\n"), "a.png", image));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer zipBytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int p = 0; p + 46 < bytes.length; p++) {
            if (zipBytes.getInt(p) == 0x02014b50 && zipBytes.getInt(p + 24) == image.length) {
                zipBytes.putInt(p + 24, 100);
                patched++;
            }
        }
        assertEquals(1, patched);
        Files.write(file, bytes);
        EvaluationException e = refused(file, imageSpec);
        assertEquals("liar.zip entry 'a.png': inflates to more than 100 times its compressed size;"
                + " the evaluator refuses entries compressed more than 100:1 beyond their first MiB" + SPONSOR,
                e.getMessage());
    }

    @Test
    void aLabelsFieldOrLineBeyondItsCapIsRefusedNamingTheLine() throws Exception {
        String longName = "x".repeat(70_000);
        EvaluationException field = refused(zip("field.zip", Map.of("labels.csv",
                utf8("file,label\na.png,red\n" + longName + ",red\n"))), imageSpec);
        assertEquals("field.zip!labels.csv line 3: a field longer than 65,536 characters" + SPONSOR, field.getMessage());

        // many short random fields: 1.2 MB on one line, which compresses too poorly to look like a bomb
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder line = new StringBuilder("file,label");
        while (line.length() < 1_200_000) {
            line.append(',').append((char) ('a' + random.nextInt(26))).append((char) ('a' + random.nextInt(26)));
        }
        EvaluationException record = refused(zip("line.zip", Map.of("labels.csv", utf8(line + "\na.png,red\n"))),
                imageSpec);
        assertEquals("line.zip!labels.csv line 1: a record longer than 1,048,576 characters" + SPONSOR,
                record.getMessage());
    }

    @Test
    void capsOnEntriesTheDirectoryAndInflatedSizesCanBeSetLower() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] png = ImageData.encode(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png");
        StringBuilder labels = new StringBuilder("file,label\n");
        for (int i = 0; i < 5; i++) {
            entries.put("img" + i + ".png", png);
            labels.append("img").append(i).append(".png,red\n");
        }
        entries.put("labels.csv", utf8(labels.toString()));
        Path file = zip("five.zip", entries);
        readAll(new ImageZipBatchSource(file, "five.zip", imageSpec, TestSetLimits.DEFAULTS), imageSpec);

        TestSetLimits d = TestSetLimits.DEFAULTS;
        assertEquals("five.zip: the zip's directory lists 6 entries; the evaluator opens at most 5" + SPONSOR,
                refused(file, d.withMaxEntries(5)).getMessage());
        assertTrue(refused(file, d.withMaxCentralDirectoryBytes(100)).getMessage()
                .matches("five\\.zip: the zip's directory is \\d+ bytes; the evaluator reads at most 100 bytes of it"
                        + java.util.regex.Pattern.quote(SPONSOR)), () -> "got " + file);
        assertEquals("five.zip entry 'labels.csv': inflates past 40 bytes, the cap on the labels file" + SPONSOR,
                refused(file, d.withMaxLabelsBytes(40)).getMessage());
        assertEquals("five.zip!labels.csv line 2: image 'img0.png' is " + png.length + " bytes; the evaluator reads"
                + " at most 50 bytes per image" + SPONSOR, refused(file, d.withMaxImageBytes(50)).getMessage());
        assertEquals("five.zip!labels.csv line 2: image 'img0.png' declares 2x2 pixels in its header; the evaluator"
                + " decodes at most 3 pixels per image" + SPONSOR, refused(file, d.withMaxImagePixels(3)).getMessage());
    }

    // ---- tabular test sets ----

    private final BountySpec tabular = parseBinary();

    private static BountySpec parseBinary() {
        try {
            return Specs.binary(List.of("no", "yes"), List.of("a", "b"));
        } catch (EvaluationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCsvFieldBeyondItsCapIsRefusedNamingTheLineAndColumn() throws Exception {
        Path csv = Files.writeString(dir.resolve("test.csv"), "a,b,label\n1,2,no\n1,2,\"" + "y".repeat(2 << 20) + "\"\n");
        assertEquals("test.csv line 3: a field longer than 1 MiB in column 'label'" + SPONSOR,
                refused(csv, tabular).getMessage());
    }

    @Test
    void aCsvLineBeyondItsCapIsRefusedWithoutReadingTheRest() throws Exception {
        Path csv = dir.resolve("long-line.csv");
        try (OutputStream out = Files.newOutputStream(csv)) {
            out.write(utf8("a,b,label,notes\n1,2,no,"));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'z');
            for (int i = 0; i < 65; i++) {
                out.write(chunk);
            }
            out.write(utf8("\n"));
        }
        assertEquals("long-line.csv line 2: a record longer than 64 MiB" + SPONSOR, refused(csv, tabular).getMessage());
    }
}
