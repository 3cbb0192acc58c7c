package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.fixtures.ImageData;
import dev.bountymarket.evaluator.examples.Specs;
import dev.bountymarket.evaluator.spec.BountySpec;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageZipBatchSourceTest {
    @TempDir
    Path dir;

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        // 2x1 -> 4x1: sample x = (i + .5) / 2 - .5 = -.25 .25 .75 1.25 -> clamped 0 .25 .75 1
        double[] out = ImagePreprocessor.resize(new double[] {0, 100}, 2, 1, 4, 1);
        assertArrayEquals(new double[] {0, 25, 75, 100}, out, 1e-12);
        // 4x1 -> 2x1: x = (i + .5) * 2 - .5 = .5 2.5 -> (10+20)/2, (30+40)/2
        assertArrayEquals(new double[] {15, 35}, ImagePreprocessor.resize(new double[] {10, 20, 30, 40}, 4, 1, 2, 1), 1e-12);
    }

    private Path zip(BufferedImage image, String format, String labels) throws Exception {
        Path file = dir.resolve("images.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry("a." + format));
            out.write(ImageData.encode(image, format));
            out.putNextEntry(new ZipEntry("labels.csv"));
            out.write(labels.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static float[] firstRow(Path zip, BountySpec spec) throws EvaluationException {
        try (ImageZipBatchSource source = new ImageZipBatchSource(zip, spec)) {
            Batch batch = new Batch(4, spec.input().rowWidth(), true);
            source.fill(batch);
            return java.util.Arrays.copyOf(batch.features(), spec.input().rowWidth());
        }
    }

    @Test
    void pixelsAreNormalisedAndLaidOutAsTheSpecSays() throws Exception {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        image.setRGB(1, 0, 0x0000FF);
        Path file = zip(image, "png", "file,label\na.png,red\n");
        String json = Specs.imageJson(2).replace("\"height\": 2", "\"height\": 1");
        // (v/255 - .5)/.25: 255 -> 2, 0 -> -2
        assertArrayEquals(new float[] {2, -2, -2, -2, -2, 2}, firstRow(file, BountySpec.parse(json)));
        String bgrNhwc = json.replace("\"RGB\"", "\"BGR\"").replace("\"NCHW\"", "\"NHWC\"");
        assertArrayEquals(new float[] {-2, -2, 2, 2, -2, -2}, firstRow(file, BountySpec.parse(bgrNhwc)));
    }

    @Test
    void rasterFastPathGivesWhatGetRgbGives() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, 0xFF000000 | random.nextInt(1 << 24));
            }
        }
        String json = Specs.imageJson(5).replace("\"height\": 5", "\"height\": 4")
                .replace("[0.5, 0.5, 0.5]", "[0, 0, 0]").replace("[0.25, 0.25, 0.25]", "[1, 1, 1]");
        // PNG decodes to an 8-bit RGBA component raster (fast path); TYPE_INT_ARGB itself goes through getRGB
        float[] decoded = firstRow(zip(image, "png", "file,label\na.png,red\n"), BountySpec.parse(json));
        float[] expected = new float[60];
        new ImagePreprocessor((dev.bountymarket.evaluator.spec.ImageInput) BountySpec.parse(json).input())
                .write(image, expected, 0);
        assertArrayEquals(expected, decoded);
    }

    @Test
    void greyImagesAreReadWithoutColourConversion() throws Exception {
        BufferedImage grey = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 51);
        Path file = zip(grey, "png", "file,label\na.png,green\n");
        String json = Specs.imageJson(1).replace("[0.5, 0.5, 0.5]", "[0, 0, 0]").replace("[0.25, 0.25, 0.25]", "[1, 1, 1]");
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f}, firstRow(file, BountySpec.parse(json)), 1e-7f);
    }

    @Test
    void problemsNameTheLabelsFileLine() throws Exception {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        BountySpec spec = BountySpec.parse(Specs.imageJson(1));
        EvaluationException missing = assertThrows(EvaluationException.class,
                () -> firstRow(zip(image, "png", "file,label\na.png,red\nb.png,red\n"), spec));
        assertEquals(ErrorCode.MALFORMED_TEST_SET, missing.code());
        assertEquals("images.zip!labels.csv line 3: image 'b.png' is not in the zip", missing.getMessage());
        EvaluationException label = assertThrows(EvaluationException.class,
                () -> firstRow(zip(image, "png", "file,label\na.png,purple\n"), spec));
        assertEquals("images.zip!labels.csv line 2: label 'purple' is not one of the bounty's classes [red, green, blue]",
                label.getMessage());
        Path notImage = dir.resolve("bad.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(notImage))) {
            out.putNextEntry(new ZipEntry("a.png"));
            out.write("not a png".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("labels.csv"));
            out.write("file,label\na.png,red\n".getBytes(StandardCharsets.UTF_8));
        }
        EvaluationException decode = assertThrows(EvaluationException.class, () -> firstRow(notImage, spec));
        assertEquals("bad.zip!labels.csv line 2: 'a.png' is not an image javax.imageio can decode (use PNG or JPEG)",
                decode.getMessage());
    }
}
