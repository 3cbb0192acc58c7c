package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.bountymarket.local.Anvil;
import dev.bountymarket.local.DevAccounts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh anvil on which the market is deployed as on a public network: by the Foundry deploy script, with the terms of
 * docs/deploy.md's walkthrough. The server is pointed at the recorded deployment file and never deploys itself.
 */
public class ScriptDeployedChain implements QuarkusTestResourceLifecycleManager {

    /** The walkthrough's treasury (dev account 7) and fee. */
    public static final int TREASURY = 7;
    public static final int FEE_BPS = 250;

    private Anvil anvil;

    @Override
    public Map<String, String> start() {
        try {
            int port = TestChain.freePort();
            anvil = Anvil.start(port, null, Path.of("target", "anvil-" + port + ".log"));
            Path work = Files.createDirectories(Path.of("target", "deploy-" + port));
            DeployScript.Outcome deployed = DeployScript.deploy(anvil.rpcUrl(), Anvil.CHAIN_ID,
                    DevAccounts.account(TREASURY).getAddress(), FEE_BPS, DevAccounts.account(0), work);
            if (deployed.record() == null) {
                throw new AssertionError("the deploy script sent nothing to a fresh chain:\n" + deployed.forgeOutput());
            }
            return Map.of("chain.rpc-url", anvil.rpcUrl(),
                    "chain.auto-deploy", "false",
                    "chain.deployment-file", deployed.record().toString(),
                    "keeper.private-key", DevAccounts.account(TestChain.KEEPER).getEcKeyPair().getPrivateKey().toString(16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (anvil != null) {
            anvil.close();
        }
    }
}
