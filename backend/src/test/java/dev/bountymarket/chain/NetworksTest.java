package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The network profiles (networks.json): every supported chain, complete, and a broken file refused by name. */
class NetworksTest {

    private final Networks networks = Networks.builtIn();

    @Test
    void builtIn_hasEveryNetworkWeSupport() {
        assertEquals(List.of(1L, 11155111L, 8453L, 84532L, 42161L, 421614L, 10L, 11155420L, 31337L),
                networks.all().stream().map(Network::chainId).toList());
    }

    @Test
    void builtIn_profilesAreComplete() {
        for (Network network : networks.all()) {
            String which = "chain " + network.chainId();
            assertFalse(network.name().isBlank(), which);
            assertEquals("ETH", network.nativeCurrency().symbol(), which);
            assertEquals(18, network.nativeCurrency().decimals(), which);
            assertTrue(network.blockTimeMs() > 0, which);
            assertTrue(network.confirmations() >= 0, which);
            assertTrue(network.feeCeilingWei().signum() > 0, which);
            if (network.chainId() != 31337) {
                assertTrue(network.explorerUrl().orElseThrow().matches("https://[a-z.-]+"), which);
                assertFalse(network.rpcUrls().isEmpty(), which);
                assertTrue(network.rpcUrls().stream().allMatch(url -> url.startsWith("https://")), which);
            }
        }
    }

    @Test
    void byChainId_knownAndUnknown() {
        Network sepolia = networks.byChainId(11155111).orElseThrow();
        assertEquals("Sepolia", sepolia.name());
        assertEquals("https://sepolia.etherscan.io", sepolia.explorerUrl().orElseThrow());
        assertEquals("https://sepolia.etherscan.io/tx/0xabc", sepolia.txUrl("0xabc").orElseThrow());
        assertEquals("https://sepolia.etherscan.io/address/0x12", sepolia.addressUrl("0x12").orElseThrow());
        assertEquals(new BigInteger("200000000000"), sepolia.feeCeilingWei());
        assertEquals("Base Sepolia", networks.byChainId(84532).orElseThrow().name());
        assertTrue(networks.byChainId(31337).orElseThrow().explorerUrl().isEmpty(), "anvil has no explorer");
        assertTrue(networks.byChainId(424242).isEmpty());
    }

    @Test
    void profileFor_unknownChain_isNamedByItsId() {
        Network unknown = networks.profileFor(424242);
        assertEquals("Chain 424242", unknown.name());
        assertEquals(0, unknown.confirmations());
        assertTrue(unknown.explorerUrl().isEmpty());
    }

    @Test
    void load_missingField_namesNetworkAndField() {
        String json = """
                [{"chainId": 5, "name": "Goerli", "blockTimeMs": 12000, "confirmations": 3, "feeCeilingGwei": 100,
                  "explorerUrl": "https://goerli.etherscan.io", "rpcUrls": []}]
                """;
        var error = assertThrows(IllegalStateException.class,
                () -> Networks.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json"));
        assertTrue(error.getMessage().contains("chain 5") && error.getMessage().contains("nativeCurrency"),
                error.getMessage());
    }

    @Test
    void load_duplicateChainId_refused() {
        String one = """
                {"chainId": 5, "name": "A", "nativeCurrency": {"name": "Ether", "symbol": "ETH", "decimals": 18},
                 "blockTimeMs": 12000, "confirmations": 3, "feeCeilingGwei": 100, "rpcUrls": []}
                """;
        var error = assertThrows(IllegalStateException.class, () -> Networks.load(
                new ByteArrayInputStream(("[" + one + "," + one + "]").getBytes(StandardCharsets.UTF_8)), "test.json"));
        assertTrue(error.getMessage().contains("twice"), error.getMessage());
    }
}
