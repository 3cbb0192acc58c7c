package dev.bountymarket.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bountymarket.chain.ChainIndexer.LogsRefused;
import dev.bountymarket.chain.ChainIndexer.Range;

/** How the indexer copes with a node that caps what one eth_getLogs call may cover. */
class RangeShrinkingTest {

    private final List<String> asked = new ArrayList<>();

    /** A node that refuses more than {@code maxBlocks} blocks per call, as hosted providers do. */
    private ChainIndexer.RangeReader nodeCappedAt(long maxBlocks) {
        return (from, to) -> {
            asked.add(from + ".." + to);
            if (to - from + 1 > maxBlocks) {
                throw new LogsRefused("eth_getLogs " + from + ".." + to + ": query returned more than 10000 results");
            }
            return new Range(to, "0xhash" + to, List.of());
        };
    }

    @Test
    void readShrinking_readsTheWholeRangeIfTheNodeTakesIt() {
        Range range = ChainIndexer.readShrinking(1, 2000, nodeCappedAt(2000));
        assertEquals(2000, range.to());
        assertEquals(List.of("1..2000"), asked);
    }

    @Test
    void readShrinking_halvesTheRangeUntilTheNodeTakesIt() {
        Range range = ChainIndexer.readShrinking(1, 2000, nodeCappedAt(300));
        assertEquals(250, range.to());
        assertEquals("0xhash250", range.toHash(), "the hash is the one of the block the read ended at");
        assertEquals(List.of("1..2000", "1..1000", "1..500", "1..250"), asked);
    }

    @Test
    void readShrinking_givesUpOnASingleRefusedBlock() {
        LogsRefused refused = assertThrows(LogsRefused.class, () -> ChainIndexer.readShrinking(7, 9, nodeCappedAt(0)));
        assertEquals(List.of("7..9", "7..7"), asked);
        assertEquals("eth_getLogs 7..7: query returned more than 10000 results", refused.getMessage());
    }
}
