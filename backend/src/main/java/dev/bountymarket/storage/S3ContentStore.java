package dev.bountymarket.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import io.quarkus.logging.Log;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The store in an S3 bucket (AWS S3, or an S3-compatible store at {@code storage.s3.endpoint}): {@code objects/<random>}
 * for public content, {@code sealed/<random>} for content encrypted here ({@link ChunkedAesGcm}) before its first byte
 * leaves the server. An upload streams through the hash (and the cipher) into a multipart upload one part at a time,
 * so it holds one part in memory whatever the file's size; the object appears only when the upload is completed, after
 * the last byte was hashed and counted, and an upload that fails is aborted, which deletes its parts. (Should the
 * server die mid-upload, the bucket's lifecycle rule for incomplete multipart uploads removes the parts: see
 * docs/architecture.md.)
 *
 * <p>Objects are named at random rather than by their hash: S3 cannot rename, and copying a multi-gigabyte object to
 * its hash once it is known would write it twice. The same model uploaded twice is kept twice.
 */
public class S3ContentStore implements ContentStore, AutoCloseable {

    private final S3Client s3;
    private final String bucket;
    private final int partSize;
    private final SecretKey key;

    /** A store on the configured bucket; checks the bucket answers, so a wrong setting stops start-up. */
    public static S3ContentStore open(StorageConfig config) {
        S3ContentStore store = new S3ContentStore(config, clientBuilder(config).build());
        try {
            store.s3.headBucket(b -> b.bucket(store.bucket));
        } catch (SdkException e) {
            store.close();
            throw new IllegalStateException("the bucket " + store.bucket + " (STORAGE_S3_BUCKET) at "
                    + config.s3().endpoint().map(Object::toString).orElse("AWS S3 in " + config.s3().region())
                    + " cannot be used: " + e.getMessage(), e);
        }
        return store;
    }

    S3ContentStore(StorageConfig config, S3Client s3) {
        this.s3 = s3;
        this.bucket = config.s3().bucket().orElseThrow(() -> new IllegalStateException(
                "storage.kind=s3 needs storage.s3.bucket (STORAGE_S3_BUCKET)"));
        long part = config.s3().partSize();
        if (part < 5L * 1024 * 1024 || part > 1L << 30) {
            throw new IllegalStateException("storage.s3.part-size must be between 5 MiB (S3's smallest part) and 1 GiB");
        }
        this.partSize = (int) part;
        byte[] configured = Base64.getDecoder().decode(config.encryptionKey().orElseThrow(() -> new IllegalStateException(
                "storage.kind=s3 needs STORAGE_ENCRYPTION_KEY (base64 of 32 bytes), the same on every server")).strip());
        if (configured.length != 32) {
            throw new IllegalStateException("STORAGE_ENCRYPTION_KEY must be 32 bytes in base64");
        }
        this.key = new SecretKeySpec(configured, "AES");
    }

    /** The client for the configured bucket, over the JDK's HTTP client. */
    static S3ClientBuilder clientBuilder(StorageConfig config) {
        StorageConfig.S3 settings = config.s3();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                // S3-compatible stores do not all take the SDK's default trailing CRC checksums; the content's
                // integrity is ours to check anyway (its SHA-256, and GCM tags for sealed content).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create());
        settings.endpoint().ifPresent(builder::endpointOverride);
        if (settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()) {
            builder.credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId().get(), settings.secretAccessKey().get())));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        return builder;
    }

    @Override
    public StoredObject put(InputStream content, long maxBytes, boolean encrypt) {
        String storageKey = UUID.randomUUID().toString();
        MessageDigest sha256 = LimitedInputStream.sha256();
        LimitedInputStream limited = new LimitedInputStream(content, maxBytes);
        PartUpload upload = new PartUpload(name(storageKey, encrypt));
        try {
            try (InputStream hashing = new DigestInputStream(limited, sha256)) {
                if (encrypt) {
                    ChunkedAesGcm.encrypt(key, hashing, upload);
                } else {
                    hashing.transferTo(upload);
                }
            }
            if (limited.count == 0) {
                upload.abort();
                throw new StorageException(StorageException.Code.INVALID_CONTENT, "the file is empty");
            }
            upload.complete();
            return new StoredObject(storageKey, HexFormat.of().formatHex(sha256.digest()), limited.count, encrypt);
        } catch (IOException | SdkException e) {
            upload.abort();
            if (limited.exceeded) {
                throw new StorageException(StorageException.Code.TOO_LARGE,
                        "the file is larger than the limit of " + maxBytes + " bytes");
            }
            throw new StorageException(StorageException.Code.IO_FAILURE, "storing the upload failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(StoredObject object) {
        InputStream raw = read(object, 0, -1);
        return object.encrypted() ? ChunkedAesGcm.decrypting(key, raw) : raw;
    }

    @Override
    public InputStream open(StoredObject object, long offset, long length) {
        if (!object.encrypted()) {
            return read(object, offset, length);
        }
        try {
            return Ranges.sealed(key, (from, count) -> read(object, from, count), offset, length);
        } catch (IOException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void copyTo(StoredObject object, Path target) {
        try (InputStream in = open(object)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | SdkException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                Log.warnf("Could not delete %s", target);
            }
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(StoredObject object) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(name(object.key(), object.encrypted())));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new StorageException(StorageException.Code.IO_FAILURE, "the bucket " + bucket + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "the S3 bucket " + bucket + " (" + partSize / (1024 * 1024) + " MiB parts)";
    }

    @Override
    public void close() {
        s3.close();
    }

    /** The object as stored: {@code length} bytes from {@code from}, or all from there on (-1), streamed. */
    private InputStream read(StoredObject object, long from, long length) {
        String name = name(object.key(), object.encrypted());
        String range = from == 0 && length < 0 ? null
                : "bytes=" + from + "-" + (length < 0 ? "" : String.valueOf(from + length - 1));
        try {
            return s3.getObject(b -> b.bucket(bucket).key(name).range(range));
        } catch (NoSuchKeyException e) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + object.key());
        } catch (SdkException e) {
            throw new StorageException(StorageException.Code.IO_FAILURE, "reading " + object.key() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static String name(String storageKey, boolean encrypted) {
        if (!storageKey.matches("[0-9a-f-]{36,64}")) {
            throw new StorageException(StorageException.Code.NOT_FOUND, "no stored object " + storageKey);
        }
        return (encrypted ? "sealed/" : "objects/") + storageKey;
    }

    /**
     * An object written as a stream: one part's buffer; content smaller than a part goes in a single PUT, larger
     * content in a multipart upload started with its first full part.
     */
    private final class PartUpload extends OutputStream {
        private final String name;
        private final byte[] buffer = new byte[partSize];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int filled;
        private String uploadId;

        PartUpload(String name) {
            this.name = name;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            while (length > 0) {
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(data, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == buffer.length) {
                    sendPart();
                }
            }
        }

        private void sendPart() {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(name)).uploadId();
            }
            int number = parts.size() + 1;
            var sent = s3.uploadPart(b -> b.bucket(bucket).key(name).uploadId(uploadId).partNumber(number)
                    .contentLength((long) filled), RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled));
            parts.add(CompletedPart.builder().partNumber(number).eTag(sent.eTag()).build());
            filled = 0;
        }

        void complete() {
            if (uploadId == null) {
                s3.putObject(b -> b.bucket(bucket).key(name).contentLength((long) filled),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled));
                return;
            }
            if (filled > 0) {
                sendPart();
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        }

        /** Deletes what was sent: the parts of an unfinished upload (nothing else of it exists yet). */
        void abort() {
            if (uploadId == null) {
                return;
            }
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId));
            } catch (SdkException e) {
                Log.warnf("Could not abort the upload of %s (the bucket's lifecycle rule will remove its parts): %s",
                        name, e.getMessage());
            }
            uploadId = null;
        }
    }
}
