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
