package dev.bountymarket.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

import picocli.CommandLine.Option;

/**
 * Where the local signing key comes from: an encrypted keystore file (its password from
 * {@code BOUNTYMARKET_KEYSTORE_PASSWORD} or typed at the prompt) or the environment variable
 * {@code BOUNTYMARKET_PRIVATE_KEY}. Never the command line, which other users see in the process list and which
 * lands in shell history.
 */
public final class KeyOptions {
    @Option(names = "--keystore", paramLabel = "FILE",
            description = "An encrypted JSON keystore (geth, MetaMask export, cast wallet); its password from"
                    + " $BOUNTYMARKET_KEYSTORE_PASSWORD or the prompt. Without it: $BOUNTYMARKET_PRIVATE_KEY.")
    Path keystore;

    public Credentials credentials() {
        if (keystore != null) {
            if (!Files.isReadable(keystore)) {
                throw new CliException(ExitCodes.LOCAL, "cannot read the keystore " + keystore);
            }
            String password = System.getenv("BOUNTYMARKET_KEYSTORE_PASSWORD");
            if (password == null) {
                Console console = System.console();
                if (console == null) {
                    throw new CliException(ExitCodes.LOCAL, "the keystore " + keystore + " needs its password: set"
                            + " BOUNTYMARKET_KEYSTORE_PASSWORD or run in a terminal");
                }
                char[] typed = console.readPassword("Password for %s: ", keystore.getFileName());
                password = typed == null ? "" : new String(typed);
            }
            try {
                return WalletUtils.loadCredentials(password, keystore.toFile());
            } catch (CipherException e) {
                throw new CliException(ExitCodes.LOCAL, "cannot open the keystore " + keystore + ": wrong password ("
                        + e.getMessage() + ")");
            } catch (IOException | RuntimeException e) {
                throw new CliException(ExitCodes.LOCAL, "cannot read the keystore " + keystore + ": " + e.getMessage());
            }
        }
        String key = System.getenv("BOUNTYMARKET_PRIVATE_KEY");
        if (key == null || key.isBlank()) {
            throw new CliException(ExitCodes.LOCAL, "no key: give --keystore FILE or set BOUNTYMARKET_PRIVATE_KEY (never"
                    + " a key on the command line)");
        }
        key = key.strip();
        if (!key.matches("(0x)?[0-9a-fA-F]{64}")) {
            throw new CliException(ExitCodes.LOCAL, "BOUNTYMARKET_PRIVATE_KEY must be 64 hex digits (0x optional)");
        }
        return Credentials.create(key);
    }
}
