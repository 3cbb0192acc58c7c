package dev.bountymarket.evaluator.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumberParserTest {
    private static double parse(String text, boolean asFloat) {
        // once with room to read 8 bytes at a time past the number, once ending right after it
        double result = Double.NaN;
        for (String padded : new String[] {text + ",0,0,0,0,0", text + ","}) {
            NumberParser parser = new NumberParser();
            byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
            int end = parser.parse(bytes, 0, bytes.length, asFloat);
            if (end == NumberParser.FALLBACK) {
                return NumberParser.parseSlow(text, asFloat);
            }
            assertEquals(text.length(), end, text);
            double value = asFloat ? (float) parser.lastDouble() : parser.lastDouble();
            if (!Double.isNaN(result)) {
                assertEquals(result, value, text);
            }
            result = value;
        }
        return result;
    }

    @Test
    void agreesWithTheJdkOnRandomDecimals() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            if (random.nextBoolean()) {
                s.append('-');
            }
            int intDigits = random.nextInt(0, 8);
            for (int d = 0; d < intDigits; d++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
            int fracDigits = random.nextInt(intDigits == 0 ? 1 : 0, 12);
            if (fracDigits > 0) {
                s.append('.');
                for (int d = 0; d < fracDigits; d++) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
            }
            if (random.nextInt(4) == 0) {
                s.append('e').append(random.nextInt(-30, 30));
            }
            String text = s.toString();
            assertEquals((double) Float.parseFloat(text), parse(text, true), text);
            assertEquals(Double.parseDouble(text), parse(text, false), text);
        }
    }

    @Test
    void eightByteDigitScanFindsTheFirstNonDigit() {
        for (String s : new String[] {"12345678", "1234567,", "1,345678", ",2345678", "1234\u00bf678", "0099:/00"}) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            long word = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            int expected = 0;
            while (expected < 8 && b[expected] >= '0' && b[expected] <= '9') {
                expected++;
            }
            assertEquals(expected, NumberParser.digitCount(word), s);
            if (expected < 8) {
                assertEquals(expected == 0 ? 0 : Long.parseLong(s.substring(0, expected)),
                        NumberParser.digitsValue(word, expected), s);
            }
        }
    }

    @Test
    void floatHalfwayCasesAreRoundedLikeTheJdk() {
        // 1 + 2^-24 is exactly halfway between two floats; a decimal just above it must round up
        for (String text : new String[] {"1.000000059604644775390625", "1.0000000596046448", "16777217", "3.4028235e38"}) {
            assertEquals((double) Float.parseFloat(text), parse(text, true), text);
        }
    }

    @Test
    void rejectsWhatIsNotAPlainDecimal() {
        for (String text : new String[] {"NaN", "Infinity", "0x1p3", "1f", "1d", "abc", "1e", "--1", "1e39"}) {
            assertThrows(NumberFormatException.class, () -> parse(text, true), text);
        }
        assertEquals(1.5, parse(" 1.5 ", true));
    }
}
