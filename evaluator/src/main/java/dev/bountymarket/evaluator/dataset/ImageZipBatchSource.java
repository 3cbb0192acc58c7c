package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import dev.bountymarket.evaluator.report.Hashes;
import dev.bountymarket.evaluator.spec.BountySpec;
import dev.bountymarket.evaluator.spec.ImageInput;
import dev.bountymarket.evaluator.spec.LabelSpec;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image classification test set: a zip holding the images and a labels file (CSV with a header, one
 * row per image: the entry name and its label). Rows are taken in the labels file's order; images are
 * decoded with javax.imageio (PNG and JPEG) a batch at a time, spread over one thread per processor, so
 * memory does not grow with the set. Every read stays within {@link TestSetLimits}: the zip's directory is checked
 * before it is opened, entries are counted as they inflate, and an image's size is read from its header before
 * any pixel is allocated.
 */
public final class ImageZipBatchSource implements BatchSource {
    private static final int DECODERS = Math.max(1, Runtime.getRuntime().availableProcessors());
    /**
     * Heap one pixel takes at most while it is decoded and preprocessed: the decoded image (up to 8 bytes for 16-bit
     * RGBA), the packed samples (16) and the three double planes (24).
     */
    private static final long BYTES_PER_PIXEL = 48;
    /**
     * Heap that images being decoded may take at once, in this JVM (the server checks several drafts at a time):
     * each decode first takes its entry's size plus {@link #BYTES_PER_PIXEL} per pixel from it, so one thread per
     * processor cannot multiply the largest image. The default caps' largest image needs 448 MiB of it.
     */
    // at most half the heap, so that the rest of the evaluation keeps room (the sandbox gives image bounties 1 GiB+)
    private static final int DECODE_BUDGET_KIB = (int) Math.min(512 << 10, (Runtime.getRuntime().maxMemory() >> 11));
    private static final Semaphore DECODE_BUDGET = new Semaphore(DECODE_BUDGET_KIB, true);

    static {
        // decode from memory; the default stages every stream through a temporary file
        ImageIO.setUseCache(false);
    }

    private final String fileName;
    private final String labelsName;
    private final ZipFile zip;
    private final CsvRecordReader labels;
    private final InputStream labelsStream;
    private final ImagePreprocessor preprocessor;
    private final Map<String, Integer> classIndex = new HashMap<>();
    private final List<String> classes;
    private final String sha256;
    private final ExecutorService decoders = Executors.newFixedThreadPool(DECODERS, runnable -> {
        Thread thread = new Thread(runnable, "image-decoder");
        thread.setDaemon(true);
        return thread;
    });
    private final TestSetLimits limits;
    private final int imageColumn;
    private final int labelColumn;
    private final int columns;
    private long rows;

    public ImageZipBatchSource(Path file, BountySpec spec) throws EvaluationException {
        this(file, String.valueOf(file.getFileName()), spec, TestSetLimits.DEFAULTS);
    }

    /** @param fileName the name messages call the file by (the name it was uploaded as) */
    ImageZipBatchSource(Path file, String fileName, BountySpec spec, TestSetLimits limits) throws EvaluationException {
        this.fileName = fileName;
        this.limits = limits;
        LabelSpec label = spec.label();
        this.labelsName = label.file();
        this.classes = spec.classes();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        this.preprocessor = new ImagePreprocessor((ImageInput) spec.input());
        ZipDirectory.check(file, fileName, limits);
        try {
            this.sha256 = Hashes.sha256(file);
            this.zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw Malformed.file(fileName, "cannot be opened as a zip archive (" + e.getMessage() + ")");
        }
        try {
            ZipEntry entry = zip.getEntry(labelsName);
            if (entry == null) {
                throw Malformed.file(fileName, "has no labels file '" + labelsName + "'");
            }
            this.labelsStream = new CappedEntryStream(zip.getInputStream(entry), entry,
                    fileName + " entry '" + labelsName + "'", limits.maxLabelsBytes(), "the cap on the labels file", limits);
            this.labels = new CsvRecordReader(
                    new BufferedReader(new InputStreamReader(labelsStream, StandardCharsets.UTF_8), 1 << 16),
                    fileName + "!" + labelsName, limits.maxLabelsField(), limits.maxLabelsRecord());
            List<String> header = labels.next();
            if (header == null) {
                throw Malformed.file(fileName + "!" + labelsName, "is empty (a header row is required)");
            }
            this.columns = header.size();
            this.imageColumn = header.indexOf(label.imageColumn());
            this.labelColumn = header.indexOf(label.column());
            if (imageColumn < 0 || labelColumn < 0) {
                throw Malformed.at(fileName + "!" + labelsName, 1, "the header needs the columns '"
                        + label.imageColumn() + "' and '" + label.column() + "', found " + header);
            }
        } catch (CappedEntryStream.OverLimit e) {
            close();
            throw e.error;
        } catch (IOException e) {
            close();
            throw Malformed.file(fileName, "cannot read '" + labelsName + "' (" + e.getMessage() + ")");
        } catch (EvaluationException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean fill(Batch batch) throws EvaluationException {
        batch.size = 0;
        batch.firstRow = rows;
        List<String> names = new ArrayList<>();
        try {
            while (batch.size < batch.capacity()) {
                List<String> record = labels.next();
                if (record == null) {
                    break;
                }
                long line = labels.recordLine();
                if (record.size() != columns) {
                    throw Malformed.at(labelsFile(), line, "expected " + columns + " fields, found " + record.size());
                }
                Integer index = classIndex.get(record.get(labelColumn));
                if (index == null) {
                    throw Malformed.at(labelsFile(), line, record.get(labelColumn).isEmpty()
                            ? "missing label"
                            : "label '" + record.get(labelColumn) + "' is not one of the bounty's classes " + classes);
                }
                names.add(record.get(imageColumn));
                batch.classIndex[batch.size] = index;
                batch.lines[batch.size] = line;
                batch.size++;
                rows++;
            }
        } catch (CappedEntryStream.OverLimit e) {
            throw e.error;
        } catch (IOException e) {
            throw Malformed.file(labelsFile(), "cannot be read (" + e.getMessage() + ")");
        }
        if (batch.size == 0 && rows == 0) {
            throw Malformed.file(labelsFile(), "lists no images");
        }
        decodeAll(batch, names);
        return batch.size > 0;
    }

    /**
     * Decodes the batch's images on the decoder threads, each writing its own rows; every row's floats
     * depend on its image alone, so the result is the same for any thread count. If several images fail,
     * the first one in row order is reported.
     */
    private void decodeAll(Batch batch, List<String> names) throws EvaluationException {
        int n = names.size();
        int parts = Math.min(DECODERS, Math.max(1, n / 8));
        List<Future<EvaluationException>> futures = new ArrayList<>();
        for (int part = 0; part < parts; part++) {
            int from = (int) ((long) n * part / parts);
            int to = (int) ((long) n * (part + 1) / parts);
            futures.add(decoders.submit(() -> {
                for (int i = from; i < to; i++) {
                    try {
                        decode(names.get(i), batch.lines[i], batch.features, i * batch.rowWidth());
                    } catch (EvaluationException e) {
                        return e;
                    }
                }
                return null;
            }));
        }
        EvaluationException first = null;
        for (Future<EvaluationException> future : futures) {
            try {
                EvaluationException e = future.get();
                if (first == null && e != null) {
                    first = e;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while decoding images");
            } catch (ExecutionException e) {
                throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "decoding images failed: " + e.getCause(), e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Decodes one image and writes its row; its size is checked from its header before its pixels exist. */
    private void decode(String name, long line, float[] out, int offset) throws EvaluationException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null || entry.isDirectory()) {
            throw Malformed.at(labelsFile(), line, "image '" + name + "' is not in the zip");
        }
        if (entry.getSize() > limits.maxImageBytes()) {
            throw Malformed.overLimit(labelsFile() + " line " + line, "image '" + name + "' is "
                    + CappedEntryStream.bytes(entry.getSize()) + "; the evaluator reads at most "
                    + CappedEntryStream.bytes(limits.maxImageBytes()) + " per image");
        }
        try (InputStream in = new CappedEntryStream(zip.getInputStream(entry), entry, fileName + " entry '" + name + "'",
                    limits.maxImageBytes(), "the cap on one image", limits);
                ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw Malformed.at(labelsFile(), line, "'" + name + "' is not an image javax.imageio can decode"
                        + " (use PNG or JPEG)");
            }
            ImageReader reader = readers.next();
            try {
                // as ImageIO.read does: forward only, metadata (text chunks, profiles) skipped
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > limits.maxImagePixels()) {
                    throw Malformed.overLimit(labelsFile() + " line " + line, "image '" + name + "' declares " + width
                            + "x" + height + " pixels in its header; the evaluator decodes at most "
                            + Malformed.count(limits.maxImagePixels()) + " pixels per image");
                }
                long bytes = Math.max(entry.getSize(), 0) + BYTES_PER_PIXEL * width * height;
                int permits = (int) Math.min(DECODE_BUDGET_KIB, (bytes >> 10) + 1);
                DECODE_BUDGET.acquire(permits);
                try {
                    BufferedImage image = reader.read(0, reader.getDefaultReadParam());
                    preprocessor.write(image, out, offset);
                } finally {
                    DECODE_BUDGET.release(permits);
                }
            } finally {
                reader.dispose();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvaluationException(ErrorCode.INTERNAL_ERROR, "interrupted while decoding images");
        } catch (IOException | RuntimeException e) {
            EvaluationException overLimit = CappedEntryStream.OverLimit.in(e);
            if (overLimit != null) {
                throw overLimit;
            }
            throw Malformed.at(labelsFile(), line, "'" + name + "' cannot be decoded: " + e.getMessage());
        }
    }

    private String labelsFile() {
        return fileName + "!" + labelsName;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public String describeLine(long line) {
        return labelsFile() + " line " + line;
    }

    @Override
    public void close() {
        decoders.shutdownNow();
        try {
            if (labelsStream != null) {
                labelsStream.close();
            }
            if (zip != null) {
                zip.close();
            }
        } catch (IOException ignored) {
            // read-only
        }
    }
}
