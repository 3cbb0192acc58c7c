package dev.bountymarket.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Optional;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;

/** Amounts of the chain's tokens as people read them. */
public final class Amounts {

    public static final String ETH = "0x0000000000000000000000000000000000000000";

    private Amounts() {
    }

    /**
     * ETH in ether ("2 ETH"); an ERC-20 token in whole tokens with its symbol ("25.5 USDX"), both with up to 6
     * decimals. A token the chain cannot describe (or not now) shows in base units ("5 units of 0x1234…abcd").
     */
    public static String text(BigInteger units, String token) {
        if (units == null) {
            return "—";
        }
        if (token == null || ETH.equalsIgnoreCase(token)) {
            return decimal(units, 18) + " ETH";
        }
        return describe(token).map(t -> decimal(units, t.decimals()) + " " + name(t))
                .orElseGet(() -> units + " units of " + shortAddress(token));
    }

    /** "ETH", a token's symbol, or its short address when it has none or cannot be read now. */
    public static String tokenName(String token) {
        if (token == null || ETH.equalsIgnoreCase(token)) {
            return "ETH";
        }
        return describe(token).map(Amounts::name).orElseGet(() -> shortAddress(token));
    }

    private static String decimal(BigInteger units, int decimals) {
        BigDecimal shown = new BigDecimal(units, decimals).setScale(Math.min(6, decimals), RoundingMode.DOWN)
                .stripTrailingZeros();
        return shown.signum() == 0 && units.signum() > 0 ? "< 0.000001" : shown.toPlainString();
    }

    private static String name(Erc20Tokens.Token token) {
        return token.symbol().isBlank() ? shortAddress(token.address()) : token.symbol();
    }

    /** The token as its contract describes it; empty outside the application or while the chain cannot be read. */
    private static Optional<Erc20Tokens.Token> describe(String token) {
        ArcContainer container = Arc.container();
        if (container == null) {
            return Optional.empty();
        }
        try {
            return container.instance(Erc20Tokens.class).get().describe(token);
        } catch (IllegalStateException chainUnreadable) {
            return Optional.empty();
        }
    }

    private static String shortAddress(String address) {
        return address.substring(0, 6) + "…" + address.substring(address.length() - 4);
    }
}
