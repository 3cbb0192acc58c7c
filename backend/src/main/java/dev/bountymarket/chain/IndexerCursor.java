package dev.bountymarket.chain;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The next block the indexer reads for a contract. */
@Entity
@Table(name = "indexer_cursor")
public class IndexerCursor extends PanacheEntityBase {

    @Id
    public String contract;

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    @Column(name = "next_block", nullable = false)
    public long nextBlock;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
