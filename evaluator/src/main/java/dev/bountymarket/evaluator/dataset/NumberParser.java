package dev.bountymarket.evaluator.dataset;

import java.util.regex.Pattern;

/**
 * Decimal text to float/double without creating strings. The fast path (at most 18 significant digits and
 * a decimal exponent within +-22) is exact: the digits and the power of ten are both exact doubles, so one
 * IEEE multiplication or division gives the correctly rounded double (Clinger's fast path). A float is
 * rounded from that double, which is correct unless the double lies exactly halfway between two floats;
 * that case, and everything off the fast path, goes to {@link Float#parseFloat}. Up to 7 digits before and
 * after the point are read 8 bytes at a time (SWAR). Results equal Float.parseFloat's (tested on random
 * decimals).
 */
final class NumberParser {
    /** The fast path cannot decide: parse the field text the slow way. */
    static final int FALLBACK = -1;
    /** The number runs into the end of the buffer: read more and try again. */
    static final int NEED_MORE = -2;

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final double[] POW10 = new double[23];
    private static final long TWO_53 = 1L << 53;
    private static final long[] POW10_LONG = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private double lastDouble;

    /** The value parsed by the last successful {@link #parse} call. */
    double lastDouble() {
        return lastDouble;
    }

    /**
     * Parses a number at {@code b[p]} that must end at {@code ,}, {@code \r} or {@code \n}.
     *
     * @return the index just past the number, {@link #FALLBACK} or {@link #NEED_MORE}
     */
    int parse(byte[] b, int p, int limit, boolean asFloat) {
        boolean negative = false;
        if (p < limit && (b[p] == '-' || b[p] == '+')) {
            negative = b[p] == '-';
            p++;
        }
        long mantissa = 0;
        int exponent = 0;
        int digits;
        int count;
        if (p + 8 <= limit && (count = digitCount(word(b, p))) < 8) {
            // up to 7 integer digits, read 8 bytes at a time (the common case)
            mantissa = digitsValue(word(b, p), count);
            digits = count;
            p += count;
            if (p < limit && b[p] == '.') {
                p++;
                if (p + 8 <= limit && (count = digitCount(word(b, p))) < 8) {
                    mantissa = mantissa * POW10_LONG[count] + digitsValue(word(b, p), count);
                    p += count;
                    exponent = -count;
                    digits += count;
                } else {
                    int fraction = p;
                    mantissa = digitLoop(b, p, limit, mantissa);
                    p = loopEnd;
                    exponent = fraction - p;
                    digits += p - fraction;
                }
            }
        } else {
            int start = p;
            mantissa = digitLoop(b, p, limit, 0);
            p = loopEnd;
            digits = p - start;
            if (p < limit && b[p] == '.') {
                p++;
                int fraction = p;
                mantissa = digitLoop(b, p, limit, mantissa);
                p = loopEnd;
                exponent = fraction - p;
                digits += p - fraction;
            }
        }
        boolean anyDigit = digits > 0;
        int d;
        if (p < limit && (b[p] | 0x20) == 'e') {
            p++;
            boolean negativeExponent = false;
            if (p < limit && (b[p] == '-' || b[p] == '+')) {
                negativeExponent = b[p] == '-';
                p++;
            }
            int value = 0;
            boolean expDigit = false;
            while (p < limit && (d = b[p] - '0') >= 0 && d <= 9) {
                if (value < 100_000) {
                    value = value * 10 + d;
                }
                expDigit = true;
                p++;
            }
            if (!expDigit) {
                return p >= limit ? NEED_MORE : FALLBACK;
            }
            exponent += negativeExponent ? -value : value;
        }
        if (p >= limit) {
            return NEED_MORE;
        }
        byte next = b[p];
        // more than 18 digits may have overflowed the mantissa (leading zeros included: rare, and correct)
        if (!anyDigit || (next != ',' && next != '\n' && next != '\r') || digits > 18) {
            return FALLBACK;
        }
        double value;
        if (mantissa == 0) {
            value = 0;
        } else if (mantissa <= TWO_53 && exponent >= -22 && exponent <= 22) {
            value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
            if (asFloat && !exactAsFloat(value)) {
                return FALLBACK;
            }
        } else {
            return FALLBACK;
        }
        lastDouble = negative ? -value : value;
        return p;
    }

    private int loopEnd;

    /** Accumulates decimal digits from {@code b[p]} on; leaves the index after them in {@link #loopEnd}. */
    private long digitLoop(byte[] b, int p, int limit, long mantissa) {
        int d;
        while (p < limit && (d = b[p] - '0') >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            p++;
        }
        loopEnd = p;
        return mantissa;
    }

    private static long word(byte[] b, int p) {
        return (long) LITTLE_ENDIAN_LONG.get(b, p);
    }

    /**
     * How many of the 8 bytes (first byte lowest) are ASCII digits before the first non-digit. A byte is
     * flagged when {@code c - '0'} borrows (c below '0') or {@code c + 0x46} reaches 0x80 (c above '9');
     * borrows and carries only travel towards later bytes, past the first flagged one, so they never hide it.
     */
    static int digitCount(long word) {
        long below = word - 0x3030303030303030L;
        long above = word + 0x4646464646464646L;
        return Long.numberOfTrailingZeros((below | above) & 0x8080808080808080L) >> 3;
    }

    /** The value of the first {@code count} (0..7) digit bytes of {@code word}, by SWAR multiply-adds. */
    static long digitsValue(long word, int count) {
        if (count == 0) {
            return 0;
        }
        // move the digits to the top bytes; the zero bytes shifted in act as leading zeros
        long v = (word << ((8 - count) << 3)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v * 2561) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    /** True when rounding this (correctly rounded) double to float is also correct for the decimal. */
    private static boolean exactAsFloat(double value) {
        if (value < Float.MIN_NORMAL || value > Float.MAX_VALUE) {
            return false;
        }
        // a float midpoint: the 29 bits a float drops are 1 followed by zeros
        long bits = Double.doubleToRawLongBits(value);
        return (bits & 0x1FFF_FFFFL) != 0x1000_0000L;
    }

    /** The slow path: strict decimal grammar (no NaN, infinities, hex or type suffixes), then the JDK parser. */
    static double parseSlow(String text, boolean asFloat) throws NumberFormatException {
        String trimmed = text.strip();
        if (!DECIMAL.matcher(trimmed).matches()) {
            throw new NumberFormatException("'" + text + "' is not a decimal number");
        }
        double value = asFloat ? Float.parseFloat(trimmed) : Double.parseDouble(trimmed);
        if (Double.isInfinite(value)) {
            throw new NumberFormatException("'" + text + "' is out of range for a " + (asFloat ? "float" : "double"));
        }
        return value;
    }
}
