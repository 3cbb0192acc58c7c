package dev.bountymarket.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A stored object as a file download, streamed from the store (decrypted on the way when it is sealed). A single
 * {@code Range: bytes=...} is answered with 206 and only those bytes, read from the store without the ones before
 * them, so a broken-off download of a large model resumes where it stopped; several ranges get the whole file (200),
 * which HTTP allows.
 */
public final class Downloads {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private Downloads() {
    }

    /** @param range the request's Range header, or null */
    public static Response attachment(ContentStore store, StoredObject object, String fileName, String range) {
        long size = object.size();
        Matcher m = range == null ? null : RANGE.matcher(range.strip());
        if (m == null || !m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return headers(Response.ok(store.open(object), MediaType.APPLICATION_OCTET_STREAM), fileName)
                    .header("Content-Length", size).build();
        }
        long first;
        long last;
        try {
            if (m.group(1).isEmpty()) {
                // bytes=-N: the last N bytes
                first = Math.max(0, size - Long.parseLong(m.group(2)));
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
        } catch (NumberFormatException tooLong) {
            first = size;
            last = size - 1;
        }
        if (first >= size || last < first) {
            return Response.status(Response.Status.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header("Content-Range", "bytes */" + size).header("Accept-Ranges", "bytes").build();
        }
        long length = last - first + 1;
        return headers(Response.status(Response.Status.PARTIAL_CONTENT).entity(store.open(object, first, length))
                .type(MediaType.APPLICATION_OCTET_STREAM), fileName)
                .header("Content-Range", "bytes " + first + "-" + last + "/" + size)
                .header("Content-Length", length).build();
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder response, String fileName) {
        return response.header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .header("Accept-Ranges", "bytes");
    }
}
