package dev.bountymarket.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

import dev.bountymarket.contracts.BountyMarket;

/**
 * Encodes the contract calls users make from their wallets, with the generated wrapper, so that the browser only
 * forwards {to, data, value} and never encodes ABI itself.
 */
@ApplicationScoped
public class Transactions {

    private static final String NOBODY = "0x0000000000000000000000000000000000000000";

    @Inject
    Web3j web3j;

    @Inject
    ContractRegistry registry;

    @Inject
    Erc20Tokens tokens;

    @Inject
    ChainWatch watch;

    /** Creates and funds a bounty; {@code sponsor} is whose wallet pays (for a token reward: whose allowance counts). */
    public WalletTransaction createBounty(BountyMarket.BountyParams params, List<BigInteger> shares, String sponsor,
            String description) {
        return spending(params.token, params.amount, sponsor, value -> market().createBounty(params, shares, value),
                description);
    }

    /** Adds to a bounty's reward; {@code payer} is the wallet that pays, when known (else a token approval is always asked). */
    public WalletTransaction topUp(BigInteger bountyId, BigInteger amount, String token, String payer) {
        return spending(token, amount, payer, value -> market().topUp(bountyId, amount, value),
                "Add " + Amounts.text(amount, token) + " to bounty #" + bountyId);
    }

    public WalletTransaction cancel(BigInteger bountyId) {
        return wallet(market().cancel(bountyId), BigInteger.ZERO, "Cancel bounty #" + bountyId + " and take back its reward");
    }

    public WalletTransaction submit(BigInteger bountyId, byte[] commitment) {
        return wallet(market().submit(bountyId, commitment), BigInteger.ZERO,
                "Commit your model to bounty #" + bountyId);
    }

    public WalletTransaction challenge(BigInteger bountyId, BigInteger bond, String token, String challenger) {
        return spending(token, bond, challenger, value -> market().challenge(bountyId, value),
                "Challenge the results of bounty #" + bountyId + ", posting a bond of " + Amounts.text(bond, token));
    }

    /** {@code winners}: the paid ranks' contributors, best first ({@link ResultEvents#paidRanks}). */
    public WalletTransaction finalizeBounty(BigInteger bountyId, List<String> winners) {
        return wallet(market().finalize(bountyId, winners), BigInteger.ZERO, "Pay out bounty #" + bountyId);
    }

    /** Pays a challenger of overturned results its bond and its part of the fee (anyone may send it). */
    public WalletTransaction claimChallenge(BigInteger bountyId, String challenger) {
        return wallet(market().claimChallenge(bountyId, challenger), BigInteger.ZERO,
                "Pay " + challenger + " its challenge bond and reward on bounty #" + bountyId);
    }

    public WalletTransaction expire(BigInteger bountyId) {
        return wallet(market().expire(bountyId), BigInteger.ZERO, "Refund bounty #" + bountyId + ", which got no results in time");
    }

    public WalletTransaction upholdResults(BigInteger bountyId) {
        return wallet(market().upholdResults(bountyId), BigInteger.ZERO,
                "Uphold the results of bounty #" + bountyId + ": every challenger's bond goes to the treasury");
    }

    /**
     * Replaces the disputed results with the arbiter's corrected ranking; {@code proofs}: the relay proofs of its
     * relayed entries (none: plain overturnResults).
     */
    public WalletTransaction overturnResults(BigInteger bountyId, List<BountyMarket.ResultEntry> entries,
            List<BountyMarket.RelayProof> proofs, byte[] reportHash, String reportHashHex) {
        RemoteFunctionCall<?> call = proofs.isEmpty() ? market().overturnResults(bountyId, entries, reportHash)
                : market().overturnResultsWithProofs(bountyId, entries, proofs, reportHash);
        return wallet(call, BigInteger.ZERO, "Overturn the results of bounty #" + bountyId + " with your corrected"
                + " ranking (report hash " + reportHashHex + "): every challenger gets its bond back");
    }

    public WalletTransaction withdraw(String token) {
        return wallet(market().withdraw(token), BigInteger.ZERO, "Withdraw your credit");
    }

    /** What the contract holds for {@code account} in {@code token} (pull payments whose push failed). */
    public BigInteger creditOf(String account, String token) {
        try {
            return market().creditOf(account, token).send();
        } catch (Exception e) {
            throw new IllegalStateException("reading credits from the chain: " + e.getMessage(), e);
        }
    }

    /**
     * A call by which the market takes {@code amount} of {@code token} from {@code payer}'s wallet: ETH goes with the
     * call as its value; a token needs the market's allowance, so the call comes with the token's {@code approve}
     * unless {@code payer} (when known) already allows that much.
     */
    private WalletTransaction spending(String token, BigInteger amount, String payer,
            Function<BigInteger, RemoteFunctionCall<?>> call, String description) {
        if (token.equals(Amounts.ETH)) {
            return wallet(call.apply(amount), amount, description);
        }
        WalletTransaction spend = wallet(call.apply(BigInteger.ZERO), BigInteger.ZERO, description);
        ContractDeployment contract = registry.current();
        if (payer != null && tokens.allowance(token, payer, contract.address).compareTo(amount) >= 0) {
            return spend;
        }
        return spend.after(new WalletTransaction(spend.chainId(), token, Erc20Tokens.approve(contract.address, amount),
                "0", "Allow the market to take " + Amounts.text(amount, token) + " from your wallet"));
    }

    private BountyMarket market() {
        // A transaction prepared from a mirror the indexer cannot bring up to date could be refused: with the node
        // silent, say so at once rather than let the wallet find out.
        watch.requireAnswering();
        // Only used to encode: nothing is sent through this transaction manager.
        return BountyMarket.load(registry.current().address, web3j, new ReadonlyTransactionManager(web3j, NOBODY),
                new DefaultGasProvider());
    }

    private WalletTransaction wallet(RemoteFunctionCall<?> call, BigInteger value, String description) {
        ContractDeployment contract = registry.current();
        return new WalletTransaction(Long.toString(contract.chainId), contract.address, call.encodeFunctionCall(),
                value.toString(), description);
    }
}
