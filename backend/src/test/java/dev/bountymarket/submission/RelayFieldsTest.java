package dev.bountymarket.submission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

/** {@code RelayProof.fields} as the contract reads it: each field shifted down and masked to its width. */
class RelayFieldsTest {

    private static long read(BigInteger fields, int shift, int bits) {
        return fields.shiftRight(shift).and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)).longValueExact();
    }

    @Test
    void eachFieldReadsBackAtItsOffset() {
        BigInteger fields = RelayService.relayFields(7, 4_000_000_000L, 4096, 1_900_000_000L, 65_535,
                0xFFFF_FFFF_FFFF_FFFFL >>> 1, 28);
        assertEquals(7, read(fields, 0, 32));
        assertEquals(4_000_000_000L, read(fields, 32, 32));
        assertEquals(4096, read(fields, 64, 16));
        assertEquals(1_900_000_000L, read(fields, 80, 40));
        assertEquals(65_535, read(fields, 120, 16));
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL >>> 1, read(fields, 136, 64));
        assertEquals(28, read(fields, 200, 8));
        assertTrue(fields.bitLength() <= 208, "nothing above the layout");
    }

    @Test
    void aValueWiderThanItsFieldIsRefusedRatherThanSpilledIntoTheNext() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RelayService.relayFields(0, 0, 1, 1, 65_536, 2, 27));
        assertEquals("A relay proof's sequence 65536 does not fit its 16 bits (IBountyMarket.RelayProof)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> RelayService.relayFields(-1, 0, 1, 1, 0, 2, 27));
        assertThrows(IllegalStateException.class, () -> RelayService.relayFields(0, 0, 65_536, 1, 0, 2, 27));
    }
}
