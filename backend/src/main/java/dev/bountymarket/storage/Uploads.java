package dev.bountymarket.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Moves a multipart upload (already streamed to a temporary file by the HTTP layer, never held in memory) into the
 * store, after checking it is there, not empty, within its limit and, when the client stated one, of the SHA-256 the
 * client meant to send. A rejected upload leaves nothing in the store.
 */
@ApplicationScoped
public class Uploads {

    @Inject
    ContentStore store;

    /**
     * Checks an upload without storing it.
     *
     * @param check inspects the file (throws to reject it), e.g. reads a test set through
     * @return the uploaded file
     */
    public Path check(FileUpload upload, String field, long maxBytes, String expectedSha256, Consumer<Path> check) {
        if (upload == null || upload.uploadedFile() == null || !Files.exists(upload.uploadedFile())) {
            throw new StorageException(StorageException.Code.INVALID_CONTENT, "The file '" + field + "' is missing");
        }
        Path file = upload.uploadedFile();
        long size = upload.size();
        if (size == 0) {
            throw new StorageException(StorageException.Code.INVALID_CONTENT, "The file '" + field + "' ("
                    + upload.fileName() + ") is empty");
        }
        if (size > maxBytes) {
            throw new StorageException(StorageException.Code.TOO_LARGE, "The file '" + field + "' (" + upload.fileName()
                    + ") has " + size + " bytes; the limit is " + maxBytes);
        }
        if (expectedSha256 != null && !expectedSha256.isBlank()) {
            String expected = expectedSha256.strip().toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
            String actual = sha256(file);
            if (!actual.equals(expected)) {
                throw new StorageException(StorageException.Code.INVALID_CONTENT, "The file '" + field
                        + "' arrived with SHA-256 " + actual + ", not the " + expected
                        + " you stated: it was changed or cut short on the way. Upload it again.");
            }
        }
        check.accept(file);
        return file;
    }

    /** Checks an upload as {@link #check} does, then stores it. */
    public StoredObject store(FileUpload upload, String field, long maxBytes, boolean encrypt, String expectedSha256,
            Consumer<Path> check) {
        Path file = check(upload, field, maxBytes, expectedSha256, check);
        try (InputStream in = Files.newInputStream(file)) {
            return store.put(in, maxBytes, encrypt);
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "Reading the upload failed: " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "Reading the upload failed: " + e.getMessage(), e);
        }
    }
}
