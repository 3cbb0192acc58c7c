package dev.bountymarket.chain;

import java.math.BigInteger;
import java.util.List;

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

    /** Creates and funds a bounty; {@code sponsor} is whose wallet pays (for a token reward: whose allowance counts). */
    public WalletTransaction createBounty(BountyMarket.BountyParams params, List<BigInteger> shares, String sponsor,
            String description) {
        BigInteger value = params.token.equals(NOBODY) ? params.amount : BigInteger.ZERO;
        return wallet(market().createBounty(params, shares, value), value, description)
                .after(approval(params.token, sponsor, params.amount));
    }

    /** Adds to a bounty's reward; {@code payer} is the wallet that pays, when known (else a token approval is always asked). */
    public WalletTransaction topUp(BigInteger bountyId, BigInteger amount, String token, String payer) {
        BigInteger value = token.equals(NOBODY) ? amount : BigInteger.ZERO;
        return wallet(market().topUp(bountyId, amount, value), value,
                        "Add " + Amounts.text(amount, token) + " to bounty #" + bountyId)
                .after(approval(token, payer, amount));
    }

    public WalletTransaction cancel(BigInteger bountyId) {
        return wallet(market().cancel(bountyId), BigInteger.ZERO, "Cancel bounty #" + bountyId + " and take back its reward");
    }

    public WalletTransaction submit(BigInteger bountyId, byte[] commitment) {
        return wallet(market().submit(bountyId, commitment), BigInteger.ZERO,
                "Commit your model to bounty #" + bountyId);
    }

    public WalletTransaction challenge(BigInteger bountyId, BigInteger bond, String token, String challenger) {
        BigInteger value = token.equals(NOBODY) ? bond : BigInteger.ZERO;
        return wallet(market().challenge(bountyId, value), value,
                        "Challenge the results of bounty #" + bountyId + ", posting a bond of " + Amounts.text(bond, token))
                .after(approval(token, challenger, bond));
    }

    public WalletTransaction finalizeBounty(BigInteger bountyId) {
        return wallet(market().finalize(bountyId), BigInteger.ZERO, "Pay out bounty #" + bountyId);
    }

    public WalletTransaction expire(BigInteger bountyId) {
        return wallet(market().expire(bountyId), BigInteger.ZERO, "Refund bounty #" + bountyId + ", which got no results in time");
    }

    public WalletTransaction upholdResults(BigInteger bountyId) {
        return wallet(market().upholdResults(bountyId), BigInteger.ZERO,
                "Uphold the results of bounty #" + bountyId + ": the challenger's bond goes to the treasury");
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
     * For an amount in an ERC-20 token: the {@code approve} that lets the market take it, unless {@code owner} (when
     * known) already allows that much. None for ETH.
     */
    private WalletTransaction approval(String token, String owner, BigInteger amount) {
        if (token.equals(NOBODY)) {
            return null;
        }
        String market = registry.current().address;
        if (owner != null && tokens.allowance(token, owner, market).compareTo(amount) >= 0) {
            return null;
        }
        return new WalletTransaction(Long.toString(registry.current().chainId), token, Erc20Tokens.approve(market, amount),
                "0", "Allow the market to take " + Amounts.text(amount, token) + " from your wallet");
    }

    private BountyMarket market() {
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
