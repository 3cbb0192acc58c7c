package dev.bountymarket.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;

/**
 * Deploys the market the way docs/deploy.md says: {@code forge script script/Deploy.s.sol --broadcast} from
 * solidity/node_modules, then {@code node scripts/record-deployment.js}. Forge's broadcast log goes under {@code work}
 * (FOUNDRY_BROADCAST), not into solidity/broadcast.
 */
public final class DeployScript {

    /** The contracts module, seen from the backend module's folder, where tests run. */
    public static final Path SOLIDITY = Path.of("..", "solidity").toAbsolutePath().normalize();

    private DeployScript() {
    }

    /** What forge printed, and the deployment record (null when the script sent nothing). */
    public record Outcome(String forgeOutput, Path record) {
    }

    /** Runs the deploy script against the chain at {@code rpcUrl}; fails with forge's output if it fails. */
    public static Outcome deploy(String rpcUrl, long chainId, String treasury, int feeBps, Credentials deployer, Path work)
            throws IOException, InterruptedException {
        Path broadcast = work.resolve("broadcast").toAbsolutePath();
        ProcessBuilder forge = new ProcessBuilder(SOLIDITY.resolve("node_modules/.bin/forge").toString(), "script",
                "script/Deploy.s.sol", "--rpc-url", rpcUrl, "--broadcast");
        forge.environment().put("DEPLOYER_PRIVATE_KEY", "0x" + deployer.getEcKeyPair().getPrivateKey().toString(16));
        forge.environment().put("TREASURY", treasury);
        forge.environment().put("PROTOCOL_FEE_BPS", Integer.toString(feeBps));
        // The keeper relays signed submissions (docs/deploy.md): the market lets only this address post batches.
        forge.environment().put("RELAYER", DevAccounts.account(TestChain.KEEPER).getAddress());
        forge.environment().put("FOUNDRY_BROADCAST", broadcast.toString());
        String forgeOutput = run(forge, work.resolve("forge-" + chainId + ".log"));
        if (!forgeOutput.contains("ONCHAIN EXECUTION COMPLETE & SUCCESSFUL")) {
            return new Outcome(forgeOutput, null);
        }
        Path record = work.resolve("deployment-" + chainId + ".json").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "scripts/record-deployment.js", Long.toString(chainId),
                record.toString());
        node.environment().put("FOUNDRY_BROADCAST", broadcast.toString());
        run(node, work.resolve("record-" + chainId + ".log"));
        return new Outcome(forgeOutput, record);
    }

    private static String run(ProcessBuilder builder, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = builder.directory(SOLIDITY.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", builder.command().subList(0, 2)) + " took over 300 s; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", List.of(builder.command().get(0), builder.command().get(1)))
                    + " failed (" + process.exitValue() + "):\n" + output);
        }
        return output;
    }
}
