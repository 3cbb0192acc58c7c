package dev.bountymarket.storage;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where uploaded artifacts live: a local directory ({@link LocalContentStore}, the default) or an S3 bucket
 * ({@link S3ContentStore}) when the service runs on several machines; {@code storage.kind} chooses. Writes are
 * all-or-nothing: a failed or oversized upload leaves nothing. Encrypted content is encrypted by this server before it
 * is written, so the store never holds a hidden test set in the clear.
 */
public interface ContentStore {

    /**
     * Streams {@code content} into the store, hashing it on the way.
     *
     * @param maxBytes larger content is rejected with {@link StorageException.Code#TOO_LARGE}
     * @param encrypt keep it encrypted at rest under a random key (hidden test sets)
     */
    StoredObject put(InputStream content, long maxBytes, boolean encrypt);

    /** The plaintext content of an object. */
    InputStream open(StoredObject object);

    /**
     * {@code length} bytes of the plaintext from {@code offset} (a download's Range), read from the store without the
     * bytes before them; the caller keeps the range within the object's size.
     */
    InputStream open(StoredObject object, long offset, long length);

    /** Writes the plaintext content to a new file at {@code target} (for an evaluator that needs a path). */
    void copyTo(StoredObject object, Path target);

    boolean exists(StoredObject object);

    /** What and where the store is, for the start-up log. */
    String describe();
}
