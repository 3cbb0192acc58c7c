package dev.bountymarket.evaluator.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The report's number format: every metric is rounded once, from its exact binary value, to 6 decimal
 * places, half-even. The same rounding gives the on-chain score ({@code metric x 1e6} as an integer), so the
 * string in the report and the integer on chain always agree.
 */
public final class Decimals {
    public static final int SCALE = 6;

    private Decimals() {}

    public static BigDecimal round(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric is not finite: " + value);
        }
        return new BigDecimal(value).setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    /** {@code 0.912345} style: always exactly six decimals, never an exponent. */
    public static String format(double value) {
        return round(value).toPlainString();
    }

    /** The fixed-point score posted on chain: the 6-decimal rounding times 1e6. */
    public static long fixedPoint(double value) {
        return round(value).unscaledValue().longValueExact();
    }

    /** A fixed-point score read back as people write it, without trailing zeros: 963300 is {@code 0.9633}. */
    public static String plain(long fixedPoint) {
        return BigDecimal.valueOf(fixedPoint, SCALE).stripTrailingZeros().toPlainString();
    }
}
