package dev.bountymarket.evaluator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecimalsAndCanonicalJsonTest {
    @Test
    void metricsAreRoundedHalfEvenToSixDecimals() {
        // 0.0078125 = 2^-7 is exactly halfway between 0.007812 and 0.007813: half-even keeps the 2
        assertEquals("0.007812", Decimals.format(0.0078125));
        assertEquals(7812, Decimals.fixedPoint(0.0078125));
        assertEquals("0.944444", Decimals.format(8.5 / 9));
        assertEquals(944444, Decimals.fixedPoint(8.5 / 9));
        assertEquals("1.000000", Decimals.format(1));
        assertEquals("-3.000000", Decimals.format(-3));
        assertEquals("0.000000", Decimals.format(-1e-9));
        assertEquals(123456789000000L, Decimals.fixedPoint(123456789));
    }

    @Test
    void canonicalJsonSortsKeysDropsWhitespaceAndNormalisesNumbers() throws Exception {
        JsonMapper mapper = JsonMapper.builder().nodeFactory(CanonicalJson.NODES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        String canonical = CanonicalJson.string(mapper.readTree(
                "{ \"b\" : [1, 2.50, 5e-1, 0.0], \"a\": {\"z\": \"q\\\"\\u00e9\\n\", \"B\": null, \"y\": true} }"));
        assertEquals("{\"a\":{\"B\":null,\"y\":true,\"z\":\"q\\\"é\\n\"},\"b\":[1,2.5,0.5,0]}", canonical);
    }

    @Test
    void keccak256IsEthereumsNotNistSha3() {
        assertEquals("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
                Hashes.keccak256(new byte[0]));
        assertEquals("0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8",
                Hashes.keccak256("hello".getBytes(StandardCharsets.US_ASCII)));
    }
}
