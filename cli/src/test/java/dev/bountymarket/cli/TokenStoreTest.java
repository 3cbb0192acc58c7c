package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
    private static final String MARKET = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    @TempDir
    Path dir;

    @Test
    void save_writesOwnerOnlyFileInOwnerOnlyFolder() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("config").resolve("tokens.json"));
        store.save("http://localhost:8080", new TokenStore.Entry("0xabc", "secret", MARKET));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())));
        assertEquals("secret", store.require("http://localhost:8080").token());
    }

    @Test
    void find_refusesFileOthersCanRead() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"));
        store.save("http://localhost:8080", new TokenStore.Entry("0xabc", "secret", MARKET));
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
        CliException refused = assertThrows(CliException.class, () -> store.find("http://localhost:8080"));
        assertEquals(ExitCodes.NOT_SIGNED_IN, refused.exitCode());
        assertTrue(refused.getMessage().contains("rw-r--r--"), refused.getMessage());
    }

    @Test
    void find_refusesSymbolicLink() throws Exception {
        Path real = dir.resolve("elsewhere.json");
        Files.writeString(real, "{}");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(dir.resolve("tokens.json"), real);
        assertThrows(CliException.class, () -> new TokenStore(dir.resolve("tokens.json")).find("http://x"));
    }

    @Test
    void require_withoutTokenSaysHowToSignIn() {
        CliException missing = assertThrows(CliException.class,
                () -> new TokenStore(dir.resolve("none.json")).require("http://x:1"));
        assertTrue(missing.getMessage().contains("bountymarket login --server http://x:1"), missing.getMessage());
    }

    @Test
    void save_recordsTheMarketNextToTheToken() {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"));
        store.save("http://localhost:8080", new TokenStore.Entry("0xabc", "secret", MARKET));
        assertEquals(MARKET, store.require("http://localhost:8080").market());
        assertEquals(MARKET, MarketOption.pinned(Optional.empty(), "http://localhost:8080",
                store.require("http://localhost:8080")));
    }

    @Test
    void pinned_withoutRecordedMarketTellsToLogInAgain() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"));
        // As login wrote it before markets were pinned.
        Files.writeString(store.file(), "{\"http://x:1\": {\"address\": \"0xabc\", \"token\": \"secret\"}}");
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-------"));
        TokenStore.Entry old = store.require("http://x:1");
        CliException refused = assertThrows(CliException.class, () -> MarketOption.pinned(Optional.empty(), "http://x:1",
                old));
        assertEquals(ExitCodes.NOT_SIGNED_IN, refused.exitCode());
        assertTrue(refused.getMessage().contains("bountymarket login --server http://x:1 again (or give --market"),
                refused.getMessage());
        assertEquals(MARKET, MarketOption.pinned(Optional.of(MARKET), "http://x:1", old), "--market stands in for it");
    }
}
