package dev.bountymarket.chain;

import java.time.Instant;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import io.quarkus.hibernate.orm.panache.PanacheEntity;

/** Where a contract lives on a chain: recorded once, so that a restart reuses it instead of deploying again. */
@Entity
@Table(name = "contract_deployment")
public class ContractDeployment extends PanacheEntity {

    public static final String BOUNTY_MARKET = "BountyMarket";

    @Column(name = "chain_id", nullable = false)
    public long chainId;

    @NotNull
    @Column(nullable = false)
    public String name;

    @NotNull
    @Pattern(regexp = "0x[0-9a-f]{40}")
    @Column(nullable = false)
    public String address;

    /** The deployment transaction, when this service deployed it. */
    @Column(name = "tx_hash")
    public String txHash;

    /** The block it was deployed in, where the indexer starts reading; 0 when unknown. */
    @Column(name = "block_number", nullable = false)
    public long blockNumber;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    public static Optional<ContractDeployment> find(long chainId, String name) {
        return find("chainId = ?1 and name = ?2", chainId, name).firstResultOptional();
    }
}
