package dev.bountymarket.evaluator.model;

import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A model too large for one ONNX file (protobuf stops at 2 GB): a {@code .zip} holding exactly one {@code .onnx} and
 * the data files its tensors name as external data, all side by side at the top of the archive. The model may read
 * those files and nothing else: every external location must be the plain name of one of them, and the bundle is
 * extracted into a folder that holds nothing but its own files. Anything else about a bundle is refused, with the
 * reason: folders or nested paths, symlinks, names with {@code ..} or a path, more than one model, more files or bytes
 * than the limits.
 */
public final class ModelBundle {
    /** Most files a bundle may hold (the model and its data files). */
    public static final int MAX_FILES = 256;

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
    private static final int UNIX_TYPE_MASK = 0170000;
    private static final int UNIX_REGULAR = 0100000;

    private final Path zip;
    private final String displayName;

    private ModelBundle(Path zip, String displayName) {
        this.zip = zip;
        this.displayName = displayName;
    }

    /** Whether the file is a zip archive (starts with a local file header), hence a bundle rather than an ONNX file. */
    public static boolean isBundle(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    /** A name a file may have inside a bundle, and that external data may name: no path, no leading dot. */
    static boolean isPlainName(String name) {
        return PLAIN_NAME.matcher(name).matches() && !name.contains("..");
    }

    /**
     * Refuses a bundle that breaks a rule, without extracting it: its files, their declared sizes (at most
     * {@code maxBytes} in all) and every external reference of its model.
     */
    public static void check(Path zip, long maxBytes, String displayName) throws EvaluationException {
        new ModelBundle(zip, displayName).open(maxBytes, null);
    }

    /**
     * Checks the bundle and extracts it into {@code emptyFolder}, which must exist and hold nothing; each file's bytes
     * must match the size its entry declares. @return the model file inside {@code emptyFolder}
     */
    public static Path extract(Path zip, Path emptyFolder, long maxBytes, String displayName) throws EvaluationException {
        return new ModelBundle(zip, displayName).open(maxBytes, emptyFolder);
    }

    private Path open(long maxBytes, Path target) throws EvaluationException {
        try (ZipFile archive = ZipFile.builder().setPath(zip).get()) {
            List<ZipArchiveEntry> entries = Collections.list(archive.getEntries());
            ZipArchiveEntry model = checkEntries(entries, maxBytes);
            Set<String> dataFiles = new LinkedHashSet<>();
            for (ZipArchiveEntry entry : entries) {
                if (entry != model) {
                    dataFiles.add(entry.getName());
                }
            }
            try (InputStream in = new BufferedInputStream(archive.getInputStream(model), 1 << 16)) {
                ExternalData.requireInside(ExternalData.find(in, displayName + "!" + model.getName()), dataFiles,
                        displayName);
            }
            if (target == null) {
                return null;
            }
            try (var existing = Files.list(target)) {
                if (existing.findAny().isPresent()) {
                    throw new IOException("the extraction folder is not empty");
                }
            }
            for (ZipArchiveEntry entry : entries) {
                copy(archive, entry, target.resolve(entry.getName()));
            }
            return target.resolve(model.getName());
        } catch (IOException | RuntimeException e) {
            throw refused("cannot be read as a zip archive (" + e.getMessage() + ")");
        }
    }

    private ZipArchiveEntry checkEntries(List<ZipArchiveEntry> entries, long maxBytes) throws EvaluationException {
        if (entries.size() > MAX_FILES) {
            throw refused("holds " + entries.size() + " entries, more than the " + MAX_FILES + " a bundle may hold");
        }
        List<ZipArchiveEntry> models = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        long total = 0;
        for (ZipArchiveEntry entry : entries) {
            String name = entry.getName();
            if (entry.isDirectory() || name.contains("/") || name.contains("\\")) {
                throw refused("holds '" + name + "', a folder or a nested path; put every file at the top of the zip");
            }
            if (entry.isUnixSymlink()) {
                throw refused("holds '" + name + "', a symbolic link; a bundle holds plain files only");
            }
            int type = entry.getUnixMode() & UNIX_TYPE_MASK;
            if (entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX && type != 0 && type != UNIX_REGULAR) {
                throw refused("holds '" + name + "', which is not a plain file");
            }
            if (!isPlainName(name)) {
                throw refused("holds a file named '" + name + "'; names may use letters, digits, '.', '_' and '-',"
                        + " without a leading dot or '..'");
            }
            if (!names.add(name)) {
                throw refused("holds '" + name + "' twice");
            }
            if (entry.getSize() < 0) {
                throw refused("does not declare the size of '" + name + "'");
            }
            total += entry.getSize();
            if (total > maxBytes) {
                throw new EvaluationException(ErrorCode.MODEL_TOO_LARGE, "the model bundle " + displayName
                        + " holds more than " + maxBytes + " bytes once extracted, above the limit");
            }
            if (name.endsWith(".onnx")) {
                models.add(entry);
            }
        }
        if (models.size() != 1) {
            throw refused("holds " + models.size() + " .onnx files; a bundle holds exactly one model and its data files");
        }
        return models.get(0);
    }

    private void copy(ZipFile archive, ZipArchiveEntry entry, Path file) throws IOException, EvaluationException {
        long declared = entry.getSize();
        long written = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = archive.getInputStream(entry);
                OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                if (written > declared) {
                    throw refused("'" + entry.getName() + "' holds more bytes than its entry declares (" + declared + ")");
                }
                out.write(buffer, 0, n);
            }
        }
        if (written != declared) {
            throw refused("'" + entry.getName() + "' holds " + written + " bytes but its entry declares " + declared);
        }
    }

    private EvaluationException refused(String why) {
        return new EvaluationException(ErrorCode.MODEL_UNREADABLE, "the model bundle " + displayName + " " + why);
    }
}
