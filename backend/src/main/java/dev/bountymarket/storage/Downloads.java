package dev.bountymarket.storage;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A stored object as a file download, streamed from the store (decrypted on the way when it is sealed). */
public final class Downloads {

    private Downloads() {
    }

    public static Response attachment(ContentStore store, StoredObject object, String fileName) {
        return Response.ok(store.open(object), MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .header("Content-Length", object.size()).build();
    }
}
