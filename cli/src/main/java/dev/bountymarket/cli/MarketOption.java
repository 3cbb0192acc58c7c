package dev.bountymarket.cli;

import java.util.Locale;
import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The BountyMarket contract that the server's transactions may call: {@code --market}, else
 * {@code $BOUNTYMARKET_MARKET}, else the one the server named at {@code login} (trusted on first use, as ssh trusts a
 * host key). The server prepares every transaction, so the address the key pays is pinned here, never taken from it.
 */
public final class MarketOption {
    @Option(names = "--market", paramLabel = "ADDRESS", description = "The BountyMarket contract the server's"
            + " transactions may call (default: $BOUNTYMARKET_MARKET, else the one recorded at login).")
    String market;

    /** The address given on the command line or in the environment, lower case. */
    Optional<String> given() {
        String address = market != null ? market : System.getenv("BOUNTYMARKET_MARKET");
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        address = address.strip();
        if (!isAddress(address)) {
            throw new CliException(ExitCodes.USAGE, "--market (or $BOUNTYMARKET_MARKET) '" + address + "' must be a 0x"
                    + " address of 40 hex digits");
        }
        return Optional.of(address.toLowerCase(Locale.ROOT));
    }

    /** The market to send to for {@code server}: the one given, else the one recorded at login, else a refusal. */
    String pinned(String server, TokenStore.Entry signedIn) {
        return pinned(given(), server, signedIn);
    }

    static String pinned(Optional<String> given, String server, TokenStore.Entry signedIn) {
        if (given.isPresent()) {
            return given.get();
        }
        if (signedIn.market() == null || !isAddress(signedIn.market())) {
            throw new CliException(ExitCodes.NOT_SIGNED_IN, "your sign-in to " + server + " was stored before the"
                    + " command line recorded the server's market contract, so it cannot tell which contract its"
                    + " transactions may call: run bountymarket login --server " + server + " again (or give --market"
                    + " ADDRESS)");
        }
        return signedIn.market().toLowerCase(Locale.ROOT);
    }

    static boolean isAddress(String address) {
        return address != null && address.matches("0x[0-9a-fA-F]{40}");
    }
}
