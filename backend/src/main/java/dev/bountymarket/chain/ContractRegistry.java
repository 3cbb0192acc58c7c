package dev.bountymarket.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Locale;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

import dev.bountymarket.contracts.BountyMarket;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;

/**
 * Knows where the BountyMarket contract is on the configured chain: the configured address, else the deployment file
 * the deploy script recorded, else the one recorded in the database for this chain id, else (only with auto-deploy, as on the local chain) a fresh deployment that is then recorded.
 * A restart against the same chain therefore reuses the contract and never deploys twice.
 */
@ApplicationScoped
public class ContractRegistry {

    /** Serialises deployments of several servers sharing one database. */
    private static final long DEPLOY_LOCK = 0x426f756e74794dL;

    @Inject
    Web3j web3j;

    @Inject
    ChainConfig config;

    @Inject
    dev.bountymarket.keeper.KeeperConfig keeper;

    @Inject
    EntityManager entityManager;

    private volatile ContractDeployment current;
    private volatile String problem;

    /** Thrown when the contract cannot be found or deployed; the message says which setting to fix. */
    public static final class ContractUnavailable extends RuntimeException {
        ContractUnavailable(String message) {
            super(message);
        }
    }

    void onStart(@Observes StartupEvent event) {
        try {
            ContractDeployment deployment = current();
            Log.infof("BountyMarket at %s on chain %d", deployment.address, deployment.chainId);
        } catch (RuntimeException e) {
            // The server still starts: readiness reports the chain DOWN with this reason until it is fixed.
            Log.warnf("Chain not ready: %s", e.getMessage());
        }
    }

    /** The contract on the configured chain, resolving it on first use. */
    /**
     * The keeper's address when the current market names it as its relayer (the only account that may post batches of
     * signed submissions), read from the chain once per deployment; empty without a keeper key or when another account
     * relays for this market (contributors then send their submissions themselves).
     */
    public Optional<String> relayer() {
        Optional<String> keeperAddress = keeper.privateKey().map(key -> Credentials.create(key).getAddress());
        if (keeperAddress.isEmpty()) {
            return Optional.empty();
        }
        ContractDeployment deployment = current();
        String[] cached = relayerOf;
        if (cached == null || !cached[0].equals(deployment.address)) {
            try {
                String onChain = BountyMarket.load(deployment.address, web3j,
                        new org.web3j.tx.ReadonlyTransactionManager(web3j, keeperAddress.get()), new DefaultGasProvider())
                        .relayer().send();
                cached = new String[] {deployment.address, onChain.toLowerCase(Locale.ROOT)};
                relayerOf = cached;
            } catch (Exception e) {
                // web3j's send() declares Exception
                throw new ContractUnavailable("reading the market's relayer: " + e.getMessage());
            }
        }
        return cached[1].equalsIgnoreCase(keeperAddress.get()) ? keeperAddress : Optional.empty();
    }

    /** (market address, its relayer), read once per deployment. */
    private volatile String[] relayerOf;

    public ContractDeployment current() {
        ContractDeployment resolved = current;
        if (resolved == null) {
            synchronized (this) {
                if (current == null) {
                    try {
                        current = resolve();
                        problem = null;
                    } catch (RuntimeException e) {
                        problem = e.getMessage();
                        throw e;
                    }
                }
                resolved = current;
            }
        }
        return resolved;
    }

    /** The contract if it is resolved already; never asks the chain (for pages and readiness). */
    public Optional<ContractDeployment> resolved() {
        return Optional.ofNullable(current);
    }

    /** Why the last attempt to resolve the contract failed, while it is not resolved. */
    public Optional<String> problem() {
        return current == null ? Optional.ofNullable(problem) : Optional.empty();
    }

    /** Forgets what was resolved, so that the next {@link #current()} looks again (as a restart would). */
    public synchronized void forget() {
        current = null;
    }

    /** The chain could not be reached: named by its providers' hosts only (their URLs may hold API keys). */
    private ContractUnavailable unreachable(IOException e) {
        List<String> urls = RpcUrls.configured(config);
        return new ContractUnavailable("chain at " + String.join(", ", urls.stream().map(RpcUrls::host).toList())
                + " unreachable (CHAIN_RPC_URLS / CHAIN_RPC_URL): " + RpcUrls.redact(String.valueOf(e.getMessage()), urls));
    }

    public long chainId() {
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    public boolean hasCode(String address) {
        try {
            String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
            return code != null && code.length() > 2;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    @Transactional
    ContractDeployment resolve() {
        long chainId = chainId();
        entityManager.createNativeQuery("SELECT pg_advisory_xact_lock(" + DEPLOY_LOCK + ")").getSingleResult();
        Optional<ContractDeployment> recorded = ContractDeployment.find(chainId, ContractDeployment.BOUNTY_MARKET);

        if (config.contractAddress().isPresent()) {
            String address = config.contractAddress().get().toLowerCase(Locale.ROOT);
            if (!hasCode(address)) {
                throw new ContractUnavailable("no contract at " + address + " on chain " + chainId
                        + " (CHAIN_CONTRACT_ADDRESS)");
            }
            if (recorded.isPresent() && recorded.get().address.equals(address)) {
                return recorded.get();
            }
            recorded.ifPresent(ContractDeployment::delete);
            return record(chainId, address, null, 0);
        }
        if (config.deploymentFile().isPresent()) {
            return fromFile(chainId, recorded);
        }
        if (recorded.isPresent()) {
            if (hasCode(recorded.get().address)) {
                return recorded.get();
            }
            if (!config.autoDeploy()) {
                throw new ContractUnavailable("the contract recorded for chain " + chainId + " at "
                        + recorded.get().address + " has no code there; set CHAIN_CONTRACT_ADDRESS");
            }
            // Only a throwaway chain loses a contract: its state was reset, so the old record means nothing now.
            Log.warnf("Chain %d has no code at the recorded %s (chain state reset?): deploying again", chainId,
                    recorded.get().address);
            recorded.get().delete();
            entityManager.flush();
        } else if (!config.autoDeploy()) {
            throw new ContractUnavailable("no BountyMarket recorded for chain " + chainId
                    + ": set CHAIN_DEPLOYMENT_FILE (see docs/deploy.md) or CHAIN_CONTRACT_ADDRESS, or CHAIN_AUTO_DEPLOY=true with "
                    + "CHAIN_DEPLOYER_KEY");
        }
        return deploy(chainId);
    }

    /**
     * The deployment the deploy script recorded, checked against the chain: the contract has code and, since the indexer
     * starts at the recorded block, the creating transaction was mined in that very block.
     */
    private ContractDeployment fromFile(long chainId, Optional<ContractDeployment> recorded) {
        DeploymentFile file;
        try {
            file = DeploymentFile.read(config.deploymentFile().get()).requireChain(chainId);
        } catch (DeploymentFile.Invalid e) {
            throw new ContractUnavailable(e.getMessage());
        }
        if (!hasCode(file.address())) {
            throw new ContractUnavailable("no contract at " + file.address() + " on chain " + chainId + ", where "
                    + file.path() + " says it is (CHAIN_DEPLOYMENT_FILE)");
        }
        if (file.transactionHash() != null) {
            long mined = minedIn(file.transactionHash());
            if (mined != file.blockNumber()) {
                throw new ContractUnavailable("the deployment transaction " + file.transactionHash() + " in " + file.path()
                        + (mined < 0 ? " is not on chain " + chainId : " was mined in block " + mined + ", not "
                                + file.blockNumber()) + " (CHAIN_DEPLOYMENT_FILE)");
            }
        }
        if (recorded.isPresent() && recorded.get().address.equals(file.address())) {
            return recorded.get();
        }
        recorded.ifPresent(ContractDeployment::delete);
        entityManager.flush();
        return record(chainId, file.address(), file.transactionHash(), file.blockNumber());
    }

    /** The block a transaction was mined in, or -1 when the chain does not know it. */
    private long minedIn(String transactionHash) {
        try {
            return web3j.ethGetTransactionReceipt(transactionHash).send().getTransactionReceipt()
                    .filter(receipt -> receipt.isStatusOK())
                    .map(receipt -> receipt.getBlockNumber().longValueExact()).orElse(-1L);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private ContractDeployment deploy(long chainId) {
        Credentials deployer = Credentials.create(config.deployerKey().orElseThrow(() -> new ContractUnavailable(
                "CHAIN_AUTO_DEPLOY is on but CHAIN_DEPLOYER_KEY is not set")));
        String treasury = config.treasury().orElse(deployer.getAddress());
        // The keeper posts the relayed batches: the market lets only the relayer named at deployment do it.
        String relayer = keeper.privateKey().map(key -> Credentials.create(key).getAddress())
                .orElse("0x0000000000000000000000000000000000000000");
        try {
            BountyMarket market = BountyMarket.deploy(web3j, new RawTransactionManager(web3j, deployer, chainId),
                    new DefaultGasProvider(), treasury, BigInteger.valueOf(config.protocolFeeBps()), relayer).send();
            var receipt = market.getTransactionReceipt().orElseThrow();
            Log.infof("Deployed BountyMarket at %s on chain %d (tx %s)", market.getContractAddress(), chainId,
                    receipt.getTransactionHash());
            return record(chainId, market.getContractAddress().toLowerCase(Locale.ROOT), receipt.getTransactionHash(),
                    receipt.getBlockNumber().longValueExact());
        } catch (Exception e) {
            // web3j's send() declares Exception.
            throw new ContractUnavailable("deploying BountyMarket on chain " + chainId + " failed: " + e.getMessage());
        }
    }

    private ContractDeployment record(long chainId, String address, String txHash, long blockNumber) {
        ContractDeployment deployment = new ContractDeployment();
        deployment.chainId = chainId;
        deployment.name = ContractDeployment.BOUNTY_MARKET;
        deployment.address = address;
        deployment.txHash = txHash;
        deployment.blockNumber = blockNumber;
        deployment.recordedAt = Instant.now();
        deployment.persist();
        return deployment;
    }
}
