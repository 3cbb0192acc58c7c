package dev.bountymarket.web;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Writes a {@link Page} as JSON, keeping the bytes as long as the page itself is kept: the bounty list and the
 * leaderboards answer many requests with the same cached page (dev.bountymarket.bounty.ReadChanges), and building its
 * JSON again for each cost several times the rest of the request. A page equal to one written before gets the same
 * bytes; the same mapper writes them as it writes every other answer.
 */
@Provider
@Produces(MediaType.APPLICATION_JSON)
public class PageJson implements MessageBodyWriter<Page<?>> {

    @Inject
    ObjectMapper json;

    /** By the page (weakly): an entry goes when its page is no longer kept by any cache or request. */
    private final Map<Page<?>, byte[]> written = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return Page.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(Page<?> page, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        byte[] bytes = written.get(page);
        if (bytes == null) {
            bytes = json.writeValueAsBytes(page);
            written.put(page, bytes);
        }
        out.write(bytes);
    }
}
