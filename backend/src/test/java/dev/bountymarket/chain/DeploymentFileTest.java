package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment record the server reads (chain.deployment-file): what it takes and what it says when it cannot. */
class DeploymentFileTest {

    private static final String RECORD = """
            {"chainId": 11155111, "contract": "BountyMarket",
             "address": "0x306197AA80d7902362299d650B9E2d3E3F68e320", "blockNumber": 7654321,
             "transactionHash": "0x7e87e3d81dedf9484651d2e2901c18f93527716752bbe129e13500b8aa732f12"}
            """;

    @TempDir
    Path dir;

    @Test
    void read_givesChainAddressBlockAndTransaction() throws Exception {
        DeploymentFile file = DeploymentFile.read(Files.writeString(dir.resolve("11155111.json"), RECORD));
        assertEquals(11_155_111, file.chainId());
        assertEquals("0x306197aa80d7902362299d650b9e2d3e3f68e320", file.address());
        assertEquals(7_654_321, file.blockNumber());
        assertEquals("0x7e87e3d81dedf9484651d2e2901c18f93527716752bbe129e13500b8aa732f12", file.transactionHash());
    }

    @Test
    void read_missingFile_namesTheSetting() {
        var error = assertThrows(DeploymentFile.Invalid.class, () -> DeploymentFile.read(dir.resolve("nothing.json")));
        assertTrue(error.getMessage().contains("nothing.json") && error.getMessage().contains("CHAIN_DEPLOYMENT_FILE"),
                error.getMessage());
    }

    @Test
    void read_badAddress_namesTheField() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), RECORD.replace("0x306197AA80d7902362299d650B9E2d3E3F68e320",
                "0x1234"));
        var error = assertThrows(DeploymentFile.Invalid.class, () -> DeploymentFile.read(file));
        assertTrue(error.getMessage().contains("address"), error.getMessage());
    }

    @Test
    void read_noChainId_namesTheField() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), RECORD.replace("\"chainId\": 11155111,", ""));
        var error = assertThrows(DeploymentFile.Invalid.class, () -> DeploymentFile.read(file));
        assertTrue(error.getMessage().contains("chainId"), error.getMessage());
    }

    @Test
    void requireChain_otherChain_saysBoth() throws Exception {
        DeploymentFile file = DeploymentFile.read(Files.writeString(dir.resolve("11155111.json"), RECORD));
        var error = assertThrows(DeploymentFile.Invalid.class, () -> file.requireChain(31337));
        assertTrue(error.getMessage().contains("11155111") && error.getMessage().contains("31337"), error.getMessage());
    }
}
