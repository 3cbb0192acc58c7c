package dev.bountymarket.auth;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.web3j.crypto.Keys;

/**
 * A Sign-In with Ethereum message (EIP-4361), the text a wallet shows and signs. Only the fields this marketplace
 * uses are supported; any other shape is rejected rather than guessed at.
 */
public record SiweMessage(String domain, String address, String statement, String uri, long chainId, String nonce,
        Instant issuedAt, Instant expirationTime) {

    public static final String STATEMENT = "Sign in to the bounty market.";

    private static final Pattern FORMAT = Pattern.compile(
            "(?<domain>[^\\s/]+) wants you to sign in with your Ethereum account:\n"
                    + "(?<address>0x[0-9a-fA-F]{40})\n"
                    + "\n"
                    + "(?<statement>[^\n]*)\n"
                    + "\n"
                    + "URI: (?<uri>[^\n]+)\n"
                    + "Version: 1\n"
                    + "Chain ID: (?<chainId>[0-9]{1,19})\n"
                    + "Nonce: (?<nonce>[A-Za-z0-9]{8,64})\n"
                    + "Issued At: (?<issuedAt>[^\n]+)\n"
                    + "Expiration Time: (?<expirationTime>[^\n]+)");

    /** The message in the exact layout of EIP-4361. */
    public String text() {
        return domain + " wants you to sign in with your Ethereum account:\n"
                + Keys.toChecksumAddress(address) + "\n"
                + "\n"
                + statement + "\n"
                + "\n"
                + "URI: " + uri + "\n"
                + "Version: 1\n"
                + "Chain ID: " + chainId + "\n"
                + "Nonce: " + nonce + "\n"
                + "Issued At: " + issuedAt + "\n"
                + "Expiration Time: " + expirationTime;
    }

    /** Parses a message; empty when it is not in the layout {@link #text()} produces. */
    public static Optional<SiweMessage> parse(String text) {
        Matcher m = FORMAT.matcher(text.replace("\r\n", "\n"));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SiweMessage(m.group("domain"), m.group("address").toLowerCase(java.util.Locale.ROOT),
                    m.group("statement"), m.group("uri"), Long.parseLong(m.group("chainId")), m.group("nonce"),
                    Instant.parse(m.group("issuedAt")), Instant.parse(m.group("expirationTime"))));
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
