package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import dev.bountymarket.local.Anvil;
import dev.bountymarket.local.DevAccounts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real local chain for a test run: anvil on a free port with fresh state; account 0 deploys the contract. */
public class TestChain implements QuarkusTestResourceLifecycleManager {

    /** The dev account the platform's keeper (evaluator) uses in tests, as in the run command. */
    public static final int KEEPER = DevAccounts.KEEPER;

    private Anvil anvil;

    @Override
    public Map<String, String> start() {
        try {
            int port = freePort();
            anvil = Anvil.start(port, null, Path.of("target", "anvil-" + port + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("chain.rpc-url", anvil.rpcUrl(),
                "chain.auto-deploy", "true",
                "chain.deployer-key", DevAccounts.account(0).getEcKeyPair().getPrivateKey().toString(16),
                "keeper.private-key", DevAccounts.account(KEEPER).getEcKeyPair().getPrivateKey().toString(16));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void stop() {
        if (anvil != null) {
            anvil.close();
        }
    }
}
