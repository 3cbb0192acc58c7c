package dev.bountymarket.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.resteasy.reactive.multipart.FileUpload;

/** A file as it arrived: on disk (a multipart upload is streamed to a temporary file), with the name it was sent as. */
public record Upload(Path file, String fileName, long size) {

    /** The multipart part, or null when the form had none. */
    public static Upload of(FileUpload part) {
        return part == null || part.uploadedFile() == null ? null
                : new Upload(part.uploadedFile(), part.fileName(), part.size());
    }

    /** A local file, for uploads the server makes itself (the demo data). */
    public static Upload of(Path file) {
        try {
            return new Upload(file, file.getFileName().toString(), Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
