package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A hostile server must not get a signature that signs the user in somewhere else, or as someone else. */
class LoginMessageTest {
    private static final String ME = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

    private static String message(String domain, String address) {
        return domain + " wants you to sign in with your Ethereum account:\n" + address + "\n\nSign in to the bounty market.\n\n"
                + "URI: http://" + domain + "\nVersion: 1\nChain ID: 31337\nNonce: abc\nIssued At: 2026-01-01T00:00:00Z";
    }

    @Test
    void signsOnlyForThisServersOwnAddress() {
        assertDoesNotThrow(() -> LoginCommand.checkMessage(message("127.0.0.1:8080", ME), "http://127.0.0.1:8080", ME));
        CliException other = assertThrows(CliException.class, () -> LoginCommand.checkMessage(
                message("bounties.example.com", ME), "http://127.0.0.1:8080", ME));
        assertTrue(other.getMessage().contains("bounties.example.com"), other.getMessage());
    }

    @Test
    void signsOnlyForThisAccount() {
        assertThrows(CliException.class, () -> LoginCommand.checkMessage(message("127.0.0.1:8080",
                "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc"), "http://127.0.0.1:8080", ME));
    }
}
