package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import dev.bountymarket.local.Anvil;
import dev.bountymarket.local.DevAccounts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real local chain for a test run: anvil on a free port with fresh state (chain id 31337 unless the init argument
 * {@value #CHAIN_ID} says otherwise); account 0 deploys the contract.
 */
public class TestChain implements QuarkusTestResourceLifecycleManager {

    /** The dev account the platform's keeper (evaluator) uses in tests, as in the run command. */
    public static final int KEEPER = DevAccounts.KEEPER;

    /** Init argument: the chain id anvil answers (31337 when absent), to run on a known network's profile. */
    public static final String CHAIN_ID = "chain-id";

    private long chainId = Anvil.CHAIN_ID;
    private Anvil anvil;

    @Override
    public void init(Map<String, String> initArgs) {
        if (initArgs.containsKey(CHAIN_ID)) {
            chainId = Long.parseLong(initArgs.get(CHAIN_ID));
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            int port = freePort();
            anvil = Anvil.start(port, null, Path.of("target", "anvil-" + port + ".log"), chainId);
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
