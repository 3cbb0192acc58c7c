package dev.bountymarket.storage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.quarkus.logging.Log;

/**
 * The store in a local directory: {@code objects/ab/abcdef...} for public content by SHA-256,
 * {@code sealed/<random>} for encrypted content. Every write goes to {@code incoming/} first and is moved into place
 * only when complete.
 */
public class LocalContentStore implements ContentStore {

    private final StorageConfig config;
    private final Path root;
    private final SecretKey key;

    public LocalContentStore(StorageConfig config) {
        this.config = config;
        root = Path.of(config.directory()).toAbsolutePath();
        try {
            Files.createDirectories(root.resolve("incoming"));
            Files.createDirectories(root.resolve("objects"));
            Files.createDirectories(root.resolve("sealed"));
            key = new SecretKeySpec(loadOrCreateKey(), "AES");
            cleanIncoming();
        } catch (IOException e) {
            throw new UncheckedIOException("storage directory " + root + " is not usable (STORAGE_DIRECTORY)", e);
        }
    }

    @Override
    public StoredObject put(InputStream content, long maxBytes, boolean encrypt) {
        Path incoming = root.resolve("incoming").resolve(UUID.randomUUID().toString());
        MessageDigest sha256 = LimitedInputStream.sha256();
        LimitedInputStream limited = new LimitedInputStream(content, maxBytes);
        try {
            try (InputStream hashing = new DigestInputStream(limited, sha256);
                    OutputStream out = Files.newOutputStream(incoming)) {
                if (encrypt) {
                    ChunkedAesGcm.encrypt(key, hashing, out);
                } else {
                    hashing.transferTo(out);
                }
            }
            if (limited.count == 0) {
                throw new StorageException(StorageException.Code.INVALID_CONTENT, "the file is empty");
            }
            String hash = HexFormat.of().formatHex(sha256.digest());
            String storageKey = encrypt ? UUID.randomUUID().toString() : hash;
            Path target = path(storageKey, encrypt);
            Files.createDirectories(target.getParent());
            try {
                Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException sameContent) {
                // Content-addressed: the same bytes are already there.
            }
            return new StoredObject(storageKey, hash, limited.count, encrypt);
        } catch (IOException e) {
            if (limited.exceeded) {
                throw new StorageException(StorageException.Code.TOO_LARGE,
                        "the file is larger than the limit of " + maxBytes + " bytes");
            }
            throw new StorageException(StorageException.Code.IO_FAILURE, "storing the upload failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(incoming);
        }
    }

    @Override
    public InputStream open(StoredObject object) {
        Path path = path(object.key(), object.encrypted());
        try {
            InputStream raw = Files.newInputStream(path);
            if (!object.encrypted()) {
                return raw;
            }
            return ChunkedAesGcm.decrypting(key, raw);
        } catch (NoSuchFileException e) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + object.key());
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed", e);
        }
    }

    @Override
    public InputStream open(StoredObject object, long offset, long length) {
        Path path = path(object.key(), object.encrypted());
        try {
            Ranges.Source file = (from, count) -> {
                var channel = Files.newByteChannel(path);
                channel.position(from);
                InputStream in = java.nio.channels.Channels.newInputStream(channel);
                return count < 0 ? in : Ranges.limit(in, count);
            };
            return object.encrypted() ? Ranges.sealed(key, file, offset, length) : file.open(offset, length);
        } catch (NoSuchFileException e) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + object.key());
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed", e);
        }
    }

    @Override
    public String describe() {
        return "the folder " + root;
    }

    @Override
    public void copyTo(StoredObject object, Path target) {
        Path path = path(object.key(), object.encrypted());
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
                OutputStream out = Files.newOutputStream(target)) {
            if (object.encrypted()) {
                ChunkedAesGcm.decrypt(key, raw, out);
            } else {
                raw.transferTo(out);
            }
        } catch (NoSuchFileException e) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + object.key());
        } catch (IOException e) {
            deleteQuietly(target);
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(StoredObject object) {
        return Files.exists(path(object.key(), object.encrypted()));
    }

    private Path path(String storageKey, boolean encrypted) {
        if (!storageKey.matches("[0-9a-f-]{36,64}")) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + storageKey);
        }
        return encrypted ? root.resolve("sealed").resolve(storageKey)
                : root.resolve("objects").resolve(storageKey.substring(0, 2)).resolve(storageKey);
    }

    private byte[] loadOrCreateKey() throws IOException {
        if (config.encryptionKey().isPresent()) {
            byte[] configured = Base64.getDecoder().decode(config.encryptionKey().get().strip());
            if (configured.length != 32) {
                throw new IllegalStateException("STORAGE_ENCRYPTION_KEY must be 32 bytes in base64");
            }
            return configured;
        }
        Path file = root.resolve("secret.key");
        if (Files.exists(file)) {
            return Base64.getDecoder().decode(Files.readString(file).strip());
        }
        byte[] generated = new byte[32];
        new SecureRandom().nextBytes(generated);
        Files.writeString(file, Base64.getEncoder().encodeToString(generated));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | AccessDeniedException notPosix) {
            Log.warnf("Could not restrict %s to its owner", file);
        }
        Log.infof("Generated the test-set encryption key in %s (set STORAGE_ENCRYPTION_KEY on a real server)", file);
        return generated;
    }

    /** Uploads interrupted by a crash leave files in incoming/; they are nobody's. */
    private void cleanIncoming() throws IOException {
        try (var leftovers = Files.list(root.resolve("incoming"))) {
            leftovers.forEach(LocalContentStore::deleteQuietly);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            Log.warnf("Could not delete %s: %s", path, e.getMessage());
        }
    }

}
