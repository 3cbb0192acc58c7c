package dev.bountymarket.chain;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

import dev.bountymarket.Repeating;
import dev.bountymarket.process.ProcessConfig;
import dev.bountymarket.process.ProcessRoles;
import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.leadership.Leadership;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Copies the contract's events into {@code chain_event}: in bounded block ranges from a stored cursor, only once
 * they are final (in the chain's {@code finalized} block where the network uses that tag, else with the network's
 * confirmations), at most once per (transaction hash, log index). Before each read it
 * checks that the last block it read is still on the chain; if not (a reorg), it deletes what the orphaned blocks
 * brought, moves the cursor back to where the chains agree, and tells the projections which bounties to derive again.
 */
@ApplicationScoped
public class ChainIndexer {

    /** Event name by topic 0, from the generated wrapper's ABI. */
    static final Map<String, String> EVENT_NAMES = eventNames();

    @Inject
    Web3j web3j;

    @Inject
    ContractRegistry registry;

    @Inject
    IndexerConfig config;

    @Inject
    Networks networks;

    @Inject
    EntityManager entityManager;

    @Inject
    Event<EventsIndexed> indexed;

    @Inject
    Leadership leadership;

    @Inject
    Event<ChainReorganized> reorganized;

    /** New events were stored, in chain order. */
    public record EventsIndexed(List<Long> eventIds) {
    }

    /** Blocks after {@code forkBlock} were replaced; these bounties must be derived again from their events. */
    public record ChainReorganized(String contract, long forkBlock, Set<BigInteger> bountyIds) {
    }

    /** What one step did. */
    public record Step(long fromBlock, long toBlock, int events, boolean reorg, boolean caughtUp) {
    }

    @Inject
    ProcessRoles roles;

    private Repeating polls;

    void start(@Observes StartupEvent startup) {
        if (config.enabled() && roles.has(ProcessConfig.Role.LEADER)) {
            leadership.keepLeading(Leadership.Role.INDEXER);
            polls = Repeating.start("indexer", config.interval(), this::catchUp);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (polls != null) {
            polls.stop();
        }
    }

    /** Steps until the confirmed head is read. */
    public int catchUp() {
        int events = 0;
        Step step;
        do {
            step = step();
            events += step.events();
        } while (!step.caughtUp());
        return events;
    }

    /** Handles a reorg if there is one, then reads at most one block range. */
    @Transactional
    public Step step() {
        ContractDeployment contract = registry.current();
        // Only the server holding the indexer's lease indexes; the check holds the lease until this step commits.
        if (!leadership.leadsNow(Leadership.Role.INDEXER)) {
            return new Step(0, 0, 0, false, true);
        }
        IndexerCursor cursor = IndexerCursor.findById(contract.address);
        if (cursor == null) {
            cursor = new IndexerCursor();
            cursor.contract = contract.address;
            cursor.chainId = contract.chainId;
            cursor.nextBlock = contract.blockNumber;
            cursor.updatedAt = Instant.now();
            cursor.persist();
        }
        boolean reorg = rollBackIfReorganized(cursor);

        long safeHead = safeHead(contract.chainId);
        long from = cursor.nextBlock;
        if (from > safeHead) {
            return new Step(from, from - 1, 0, reorg, true);
        }
        // The hash of the range's last block is read before the logs: if the chain changes in between, the next
        // step sees that hash no longer on the chain and reads the range again.
        Range range = readShrinking(from, Math.min(safeHead, from + config.maxBlockRange() - 1),
                (first, last) -> {
                    String lastHash = blockHash(last);
                    return new Range(last, lastHash, logs(contract.address, first, last));
                });
        long to = range.to();
        List<Long> ids = store(contract, range.logs());
        rememberBlock(contract.address, to, range.toHash());
        cursor.nextBlock = to + 1;
        cursor.updatedAt = Instant.now();
        if (!ids.isEmpty()) {
            indexed.fire(new EventsIndexed(ids));
        }
        return new Step(from, to, ids.size(), reorg, to == safeHead);
    }

    private boolean rollBackIfReorganized(IndexerCursor cursor) {
        @SuppressWarnings("unchecked")
        List<Object[]> remembered = entityManager.createNativeQuery(
                "SELECT block_number, block_hash FROM indexed_block WHERE contract = ?1 ORDER BY block_number DESC")
                .setParameter(1, cursor.contract).getResultList();
        if (remembered.isEmpty() || blockHash(((Number) remembered.get(0)[0]).longValue()).equals(remembered.get(0)[1])) {
            return false;
        }
        long fork = -1;
        for (Object[] block : remembered) {
            long number = ((Number) block[0]).longValue();
            if (blockHash(number).equals(block[1])) {
                fork = number;
                break;
            }
        }
        long restart = fork >= 0 ? fork + 1 : registry.current().blockNumber;
        @SuppressWarnings("unchecked")
        List<BigDecimal> touched = entityManager.createNativeQuery(
                "SELECT DISTINCT bounty_id FROM chain_event WHERE contract = ?1 AND block_number >= ?2 AND bounty_id IS NOT NULL")
                .setParameter(1, cursor.contract).setParameter(2, restart).getResultList();
        int deleted = entityManager.createNativeQuery("DELETE FROM chain_event WHERE contract = ?1 AND block_number >= ?2")
                .setParameter(1, cursor.contract).setParameter(2, restart).executeUpdate();
        entityManager.createNativeQuery("DELETE FROM indexed_block WHERE contract = ?1 AND block_number >= ?2")
                .setParameter(1, cursor.contract).setParameter(2, restart).executeUpdate();
        io.quarkus.logging.Log.warnf("Reorg on chain %d: blocks from %d replaced, %d events rolled back", cursor.chainId, restart, deleted);
        cursor.nextBlock = restart;
        Set<BigInteger> bounties = new LinkedHashSet<>();
        touched.forEach(id -> bounties.add(id.toBigIntegerExact()));
        reorganized.fire(new ChainReorganized(cursor.contract, restart - 1, bounties));
        return true;
    }

    private List<Long> store(ContractDeployment contract, List<Log> logs) {
        if (logs.isEmpty()) {
            return List.of();
        }
        List<Long> ids = new java.util.ArrayList<>(logs.size());
        Timestamp now = Timestamp.from(Instant.now());
        // One batch (pipelined by the driver), not a round trip per log.
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO chain_event (id, chain_id, contract, block_number, block_hash, tx_hash, log_index, name,
                                             bounty_id, topics, data, indexed_at)
                    VALUES (nextval('chain_event_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tx_hash, log_index) DO NOTHING""", new String[] {"id"})) {
                for (Log log : logs) {
                    String name = EVENT_NAMES.get(log.getTopics().get(0));
                    if (name == null || log.isRemoved()) {
                        continue;
                    }
                    insert.setLong(1, contract.chainId);
                    insert.setString(2, contract.address);
                    insert.setLong(3, log.getBlockNumber().longValueExact());
                    insert.setString(4, log.getBlockHash());
                    insert.setString(5, log.getTransactionHash());
                    insert.setInt(6, log.getLogIndex().intValueExact());
                    insert.setString(7, name);
                    // Every event but Withdrawn has the bounty id as its first indexed parameter.
                    insert.setBigDecimal(8, name.equals("Withdrawn") ? null
                            : new BigDecimal(Numeric.toBigInt(log.getTopics().get(1))));
                    insert.setArray(9, connection.createArrayOf("text", log.getTopics().toArray()));
                    insert.setString(10, log.getData());
                    insert.setTimestamp(11, now);
                    insert.addBatch();
                }
                insert.executeBatch();
                // Only the rows inserted come back: a log stored before (ON CONFLICT) is not applied twice.
                try (ResultSet inserted = insert.getGeneratedKeys()) {
                    while (inserted.next()) {
                        ids.add(inserted.getLong(1));
                    }
                }
            }
        });
        return ids;
    }

    private void rememberBlock(String contract, long number, String hash) {
        entityManager.createNativeQuery("""
                INSERT INTO indexed_block (contract, block_number, block_hash) VALUES (?1, ?2, ?3)
                ON CONFLICT (contract, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash""")
                .setParameter(1, contract).setParameter(2, number).setParameter(3, hash).executeUpdate();
        entityManager.createNativeQuery("DELETE FROM indexed_block WHERE contract = ?1 AND block_number <= ?2")
                .setParameter(1, contract).setParameter(2, number - config.reorgDepth()).executeUpdate();
    }

    /**
     * The last block the indexer takes as final: the chain's {@code finalized} block where the network uses that tag
     * (networks.json, chain.finalized-tag), else the head less the network's confirmations. -1 while there is none.
     */
    long safeHead(long chainId) {
        if (!networks.finalizedTag(chainId)) {
            return blockNumber() - networks.confirmations(chainId);
        }
        try {
            var answer = web3j.ethGetBlockByNumber(DefaultBlockParameterName.FINALIZED, false).send();
            if (answer.hasError()) {
                throw new IllegalStateException("the node does not answer the 'finalized' block tag ("
                        + answer.getError().getMessage() + "); set chain.finalized-tag=false to count confirmations");
            }
            return answer.getBlock() == null ? -1 : answer.getBlock().getNumber().longValueExact();
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private long blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private String blockHash(long number) {
        try {
            var block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false)
                    .send().getBlock();
            return block == null ? "" : block.getHash().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    /** What one read of a block range gave: its last block, that block's hash, and the contract's logs. */
    record Range(long to, String toHash, List<Log> logs) {
    }

    interface RangeReader {
        Range read(long from, long to);
    }

    /** The node answered eth_getLogs with an error (not: could not be reached). */
    static class LogsRefused extends IllegalStateException {
        LogsRefused(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code from..to}; when the node refuses the range (providers cap the blocks or the logs one call may
     * return, e.g. "query returned more than 10000 results"), reads the first half instead, down to a single block.
     * The rest is read by the next steps.
     */
    static Range readShrinking(long from, long to, RangeReader reader) {
        long last = to;
        while (true) {
            try {
                return reader.read(from, last);
            } catch (LogsRefused refused) {
                if (last == from) {
                    throw refused;
                }
                long half = from + (last - from + 1) / 2 - 1;
                io.quarkus.logging.Log.warnf("the node refused blocks %d..%d (%s); reading %d..%d", from, last,
                        refused.getMessage(), from, half);
                last = half;
            }
        }
    }

    private List<Log> logs(String address, long from, long to) {
        EthFilter filter = new EthFilter(new DefaultBlockParameterNumber(from), new DefaultBlockParameterNumber(to), address);
        try {
            EthLog response = web3j.ethGetLogs(filter).send();
            if (response.hasError()) {
                throw new LogsRefused("eth_getLogs " + from + ".." + to + ": " + response.getError().getMessage());
            }
            return response.getLogs().stream().map(result -> (Log) result.get()).toList();
        } catch (IOException e) {
            throw new IllegalStateException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> eventNames() {
        Map<String, String> names = new HashMap<>();
        for (Field field : BountyMarket.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == org.web3j.abi.datatypes.Event.class) {
                try {
                    var event = (org.web3j.abi.datatypes.Event) field.get(null);
                    names.put(EventEncoder.encode(event), event.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Map.copyOf(names);
    }
}
