package dev.bountymarket.storage;

/**
 * An object in the store.
 *
 * @param key where it is kept: its SHA-256 for public content (content-addressed), a random name for encrypted
 *        content, whose hash must stay secret until revealed
 * @param sha256 hex SHA-256 of the content as uploaded (before any encryption)
 * @param size bytes of that content
 * @param encrypted whether it is kept encrypted at rest
 */
public record StoredObject(String key, String sha256, long size, boolean encrypted) {
}
