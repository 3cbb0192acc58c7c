package dev.bountymarket.storage;

import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where uploaded artifacts live: a local directory by default; an S3-compatible bucket implements the same contract
 * when the service runs on several machines. Writes are all-or-nothing: a failed or oversized upload leaves nothing.
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

    /** Writes the plaintext content to a new file at {@code target} (for an evaluator that needs a path). */
    void copyTo(StoredObject object, Path target);

    boolean exists(StoredObject object);
}
