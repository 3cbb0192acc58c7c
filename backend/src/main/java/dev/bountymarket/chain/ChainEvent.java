package dev.bountymarket.chain;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.web3j.protocol.core.methods.response.Log;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** One log of the contract, as the chain gave it; decoded by whoever reads it through the generated wrapper. */
@Entity
@Table(name = "chain_event")
public class ChainEvent extends PanacheEntity {

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    @Column(nullable = false)
    public String contract;

    @Column(name = "block_number", nullable = false)
    public long blockNumber;

    @Column(name = "block_hash", nullable = false)
    public String blockHash;

    @Column(name = "tx_hash", nullable = false)
    public String txHash;

    @Column(name = "log_index", nullable = false)
    public int logIndex;

    /** The event's name in the contract's ABI, e.g. Submitted. */
    @Column(nullable = false)
    public String name;

    /** The bounty the event is about; null for account events (Withdrawn). */
    @Column(name = "bounty_id", precision = 78)
    public BigInteger bountyId;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] topics;

    @Column(nullable = false)
    public String data;

    @Column(name = "indexed_at", nullable = false)
    public Instant indexedAt;

    /** The log in web3j's form, for the wrapper's getXxxEventFromLog decoders. */
    public Log toLog() {
        Log log = new Log();
        log.setAddress(contract);
        log.setBlockNumber("0x" + Long.toHexString(blockNumber));
        log.setBlockHash(blockHash);
        log.setTransactionHash(txHash);
        log.setLogIndex("0x" + Integer.toHexString(logIndex));
        log.setTopics(List.of(topics));
        log.setData(data);
        return log;
    }

    /** The events of a bounty in chain order. */
    public static List<ChainEvent> ofBounty(String contract, BigInteger bountyId) {
        return list("contract = ?1 and bountyId = ?2 order by blockNumber, logIndex", contract, bountyId);
    }
}
