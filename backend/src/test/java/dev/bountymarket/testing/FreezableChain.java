package dev.bountymarket.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** {@link TestChain} behind a {@link FreezingProxy}: the server's chain URL is the proxy's, which a test can freeze. */
public class FreezableChain extends TestChain {

    private static final String NAME = "chain";

    private FreezingProxy proxy;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        URI anvil = URI.create(config.get("chain.rpc-url"));
        proxy = FreezingProxy.start(NAME, anvil.getHost(), anvil.getPort());
        config.put("chain.rpc-url", "http://127.0.0.1:" + proxy.port());
        return config;
    }

    /** The node stops answering: requests are taken and held, nothing comes back. */
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
