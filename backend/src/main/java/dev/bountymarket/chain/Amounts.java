package dev.bountymarket.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Amounts of the chain's tokens as people read them. */
public final class Amounts {

    public static final String ETH = "0x0000000000000000000000000000000000000000";

    private Amounts() {
    }

    /** ETH in ether (up to 6 decimals, "2 ETH"); other tokens in their base units ("5 units of 0x1234…abcd"). */
    public static String text(BigInteger units, String token) {
        if (units == null) {
            return "—";
        }
        if (token == null || ETH.equalsIgnoreCase(token)) {
            BigDecimal shown = new BigDecimal(units, 18).setScale(6, RoundingMode.DOWN).stripTrailingZeros();
            return (shown.signum() == 0 && units.signum() > 0 ? "< 0.000001" : shown.toPlainString()) + " ETH";
        }
        return units + " units of " + token.substring(0, 6) + "…" + token.substring(token.length() - 4);
    }
}
