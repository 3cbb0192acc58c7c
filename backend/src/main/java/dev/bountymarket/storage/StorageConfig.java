package dev.bountymarket.storage;

import java.net.URI;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where models, test sets and reports are kept. */
@ConfigMapping(prefix = "storage")
public interface StorageConfig {

    enum Kind {
        /** A folder on this machine ({@code storage.directory}): one server, or several sharing a volume. */
        LOCAL,
        /** An S3 bucket ({@code storage.s3.*}): AWS S3 or an S3-compatible store, shared by any number of servers. */
        S3
    }

    /** Where content is kept: {@code local} (the default, and the run command's) or {@code s3}. */
    @WithDefault("local")
    Kind kind();

    /** Directory of the content-addressed store (the run command uses .run/storage). */
    @WithDefault("data/storage")
    String directory();

    /**
     * Key (base64 of 32 bytes) encrypting hidden test sets at rest. When absent, one is generated on first start and
     * kept in the store's directory as secret.key: fine for a local run, not for a server whose disk may be copied.
     * Required with {@code storage.kind=s3}: every server must hold the same key, and the bucket must never see it.
     */
    Optional<String> encryptionKey();

    /** Largest model accepted, in bytes. */
    @WithDefault("2147483648")
    long maxModelBytes();

    /** Largest test set or public sample accepted, in bytes. */
    @WithDefault("2147483648")
    long maxTestSetBytes();

    /** The bucket, with {@code storage.kind=s3}. */
    S3 s3();

    interface S3 {

        /** Name of the bucket (it must exist). Required with {@code storage.kind=s3}. */
        Optional<String> bucket();

        /** Address of an S3-compatible store (MinIO, Ceph, R2: e.g. http://minio:9000); absent for AWS S3. */
        Optional<URI> endpoint();

        /** Region of the bucket (AWS S3); S3-compatible stores mostly accept any. */
        @WithDefault("us-east-1")
        String region();

        /** Address the bucket as {@code endpoint/bucket/key} rather than {@code bucket.endpoint/key} (MinIO, Ceph). */
        @WithDefault("false")
        boolean pathStyle();

        /**
         * Access key id. Without it (and the secret) credentials come from the AWS default chain: AWS_ACCESS_KEY_ID
         * and AWS_SECRET_ACCESS_KEY, a profile, web identity (Kubernetes service accounts), the instance's role.
         */
        Optional<String> accessKeyId();

        /** Secret access key, with {@code storage.s3.access-key-id}. */
        Optional<String> secretAccessKey();

        /**
         * Bytes in each part of a multipart upload: the memory one upload holds, whatever the file's size. At least
         * 5 MiB (S3's smallest part); S3 takes at most 10,000 parts, so 8 MiB parts carry files up to 78 GiB.
         */
        @WithDefault("8388608")
        long partSize();
    }
}
