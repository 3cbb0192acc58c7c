package dev.bountymarket.storage;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where models, test sets and reports are kept. */
@ConfigMapping(prefix = "storage")
public interface StorageConfig {

    /** Directory of the content-addressed store (the run command uses .run/storage). */
    @WithDefault("data/storage")
    String directory();

    /**
     * Key (base64 of 32 bytes) encrypting hidden test sets at rest. When absent, one is generated on first start and
     * kept in the store's directory as secret.key: fine for a local run, not for a server whose disk may be copied.
     */
    Optional<String> encryptionKey();

    /** Largest model accepted, in bytes. */
    @WithDefault("2147483648")
    long maxModelBytes();

    /** Largest test set or public sample accepted, in bytes. */
    @WithDefault("2147483648")
    long maxTestSetBytes();
}
