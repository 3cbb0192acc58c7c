package dev.bountymarket.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/** The one {@link ContentStore} of the server, as {@code storage.kind} says. */
@ApplicationScoped
public class ContentStores {

    @Produces
    @ApplicationScoped
    ContentStore contentStore(StorageConfig config) {
        return switch (config.kind()) {
            case LOCAL -> new LocalContentStore(config);
            case S3 -> S3ContentStore.open(config);
        };
    }

    void close(@Disposes ContentStore store) {
        if (store instanceof S3ContentStore s3) {
            s3.close();
        }
    }

    /** Opens the store at start-up, so that a wrong setting stops the server with one line instead of a first upload. */
    void open(@Observes StartupEvent startup, ContentStore store) {
        Log.infof("Storage: %s", store.describe());
    }
}
