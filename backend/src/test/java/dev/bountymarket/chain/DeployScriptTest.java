package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

import dev.bountymarket.local.Anvil;
import dev.bountymarket.local.DevAccounts;
import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.DeployScript;
import dev.bountymarket.testing.ScriptDeployedChain;
import dev.bountymarket.testing.TestChain;

/**
 * The Foundry deploy script on fresh chains, as docs/deploy.md runs it: the market lands at the documented address
 * whatever the chain and whoever deploys, its record says where and when, and running it again sends nothing.
 */
class DeployScriptTest {

    private static final String PROXY = "0x4e59b44847b379578588920ca78fbf26c0b4956c";
    private static final long SEPOLIA = 11_155_111;

    @TempDir
    Path work;

    @Test
    void deploysAtTheDocumentedAddressOnEveryChain() throws Exception {
        String treasury = DevAccounts.account(ScriptDeployedChain.TREASURY).getAddress();
        try (Anvil local = Anvil.start(TestChain.freePort(), null, work.resolve("anvil-local.log"));
                Anvil sepolia = Anvil.start(TestChain.freePort(), null, work.resolve("anvil-sepolia.log"), SEPOLIA);
                ChainDriver localChain = new ChainDriver(local.rpcUrl());
                ChainDriver sepoliaChain = new ChainDriver(sepolia.rpcUrl())) {
            assertTrue(code(localChain, PROXY).length() > 2, "anvil ships the deterministic deployment proxy");

            DeploymentFile onLocal = DeploymentFile.read(DeployScript.deploy(local.rpcUrl(), Anvil.CHAIN_ID, treasury,
                    ScriptDeployedChain.FEE_BPS, DevAccounts.account(0), work).record());
            Credentials someoneElse = DevAccounts.account(2);
            DeploymentFile onSepolia = DeploymentFile.read(DeployScript.deploy(sepolia.rpcUrl(), SEPOLIA, treasury,
                    ScriptDeployedChain.FEE_BPS, someoneElse, work).record());

            assertEquals(onLocal.address(), onSepolia.address(), "the same address on both chains, whoever deploys");
            assertTrue(Files.readString(Path.of("..", "docs", "deploy.md")).contains(onLocal.address()),
                    "docs/deploy.md gives the address " + onLocal.address() + " (update it when the bytecode changes)");
            assertEquals(Anvil.CHAIN_ID, onLocal.chainId());
            assertEquals(SEPOLIA, onSepolia.chainId());

            // The record says where and when: the creation went through the proxy in the recorded block.
            var receipt = localChain.web3j.ethGetTransactionReceipt(onLocal.transactionHash()).send()
                    .getTransactionReceipt().orElseThrow();
            assertEquals(PROXY, receipt.getTo().toLowerCase());
            assertEquals(BigInteger.valueOf(onLocal.blockNumber()), receipt.getBlockNumber());
            var market = localChain.market(onLocal.address(), someoneElse);
            assertEquals(treasury.toLowerCase(), market.treasury().send().toLowerCase());
            assertEquals(BigInteger.valueOf(ScriptDeployedChain.FEE_BPS), market.protocolFeeBps().send());

            // Run again, the script finds the market there and sends nothing.
            BigInteger nonce = nonce(localChain, DevAccounts.account(0));
            DeployScript.Outcome again = DeployScript.deploy(local.rpcUrl(), Anvil.CHAIN_ID, treasury,
                    ScriptDeployedChain.FEE_BPS, DevAccounts.account(0), work);
            assertNull(again.record(), again.forgeOutput());
            assertEquals(nonce, nonce(localChain, DevAccounts.account(0)));
        }
    }

    private static String code(ChainDriver chain, String address) throws Exception {
        return chain.web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
    }

    private static BigInteger nonce(ChainDriver chain, Credentials account) throws Exception {
        return chain.web3j.ethGetTransactionCount(account.getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount();
    }
}
