package dev.bountymarket.chain;

import java.util.Locale;
import java.util.Optional;

import org.web3j.crypto.WalletUtils;

/** Addresses as this service keeps them: 0x and 40 lower-case hex digits. */
public final class Addresses {

    private Addresses() {
    }

    /** The address in {@code text} (trimmed, lower-cased), or empty when it is not one. */
    public static Optional<String> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String address = text.strip().toLowerCase(Locale.ROOT);
        return address.startsWith("0x") && WalletUtils.isValidAddress(address) ? Optional.of(address) : Optional.empty();
    }
}
