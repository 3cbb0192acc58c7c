package dev.bountymarket.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** {@link TestDatabase} behind a {@link FreezingProxy}: the server's JDBC URL is the proxy's, which a test can freeze. */
public class FreezableDatabase extends TestDatabase {

    private static final String NAME = "database";

    private FreezingProxy proxy;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String url = config.get("quarkus.datasource.jdbc.url");
        URI server = URI.create(url.substring("jdbc:".length()));
        proxy = FreezingProxy.start(NAME, server.getHost(), server.getPort());
        config.put("quarkus.datasource.jdbc.url", url.replace(server.getHost() + ":" + server.getPort(),
                "127.0.0.1:" + proxy.port()));
        // Known and not yet understood: while the database is frozen, the test profile's nonce cleanup (every 2 s)
        // makes a concurrent request wait past its 12 s network timeout (about 30 s). Left visible in the closing
        // note of this change; the production interval is a minute.
        config.put("auth.nonce-cleanup", "1h");
        return config;
    }

    /** PostgreSQL stops answering: connections stay open, queries are taken and held, nothing comes back. */
    public static void freeze() {
        FreezingProxy.freeze(NAME);
    }

    public static void thaw() {
        FreezingProxy.thaw(NAME);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        super.stop();
    }
}
