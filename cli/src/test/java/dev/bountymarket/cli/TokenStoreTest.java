package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {

    @TempDir
    Path dir;

    @Test
    void save_writesOwnerOnlyFileInOwnerOnlyFolder() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("config").resolve("tokens.json"));
        store.save("http://localhost:8080", new TokenStore.Entry("0xabc", "secret"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())));
        assertEquals("secret", store.require("http://localhost:8080").token());
    }

    @Test
    void find_refusesFileOthersCanRead() throws Exception {
        TokenStore store = new TokenStore(dir.resolve("tokens.json"));
        store.save("http://localhost:8080", new TokenStore.Entry("0xabc", "secret"));
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
}
