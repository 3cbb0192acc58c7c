package dev.bountymarket.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.bountymarket.chain.ChainIndexer.ChainReorganized;

/** Remembers the reorgs the indexer announced, for tests to look at. */
@ApplicationScoped
public class ReorgRecorder {

    private final List<ChainReorganized> seen = new CopyOnWriteArrayList<>();

    void record(@Observes ChainReorganized reorg) {
        seen.add(reorg);
    }

    /** A method, not a field: a field read through the CDI client proxy would be the proxy's own. */
    public List<ChainReorganized> seen() {
        return List.copyOf(seen);
    }
}
