package dev.bountymarket.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bountymarket.testing.ChainDriver;
import dev.bountymarket.testing.TestChain;

/** The run command's local chain, restarted from its state file. */
class AnvilTest {

    @TempDir
    Path home;

    @Test
    void start_fromAStateFile_neverMinesABlockOlderThanTheLastOne() throws Exception {
        Path state = home.resolve("anvil-state.json");
        long lastBefore;
        try (Anvil anvil = Anvil.start(TestChain.freePort(), state, home.resolve("anvil.log"));
                ChainDriver chain = new ChainDriver(anvil.rpcUrl())) {
            // What the demo data does: two hours ahead of the wall clock, so that a bounty's deadline passes.
            chain.travel(7200);
            lastBefore = chain.latestTimestamp();
        }

        try (Anvil anvil = Anvil.start(TestChain.freePort(), state, home.resolve("anvil.log"));
                ChainDriver chain = new ChainDriver(anvil.rpcUrl())) {
            chain.mine();
            long first = chain.latestTimestamp();
            Thread.sleep(1100);
            chain.mine();

            assertTrue(first > lastBefore, "the first block after the restart (" + first
                    + ") is later than the last one before it (" + lastBefore + ")");
            assertTrue(chain.latestTimestamp() > first, "and the clock goes on from there");
        }
    }
}
