package dev.bountymarket.account;

import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Payout;
import dev.bountymarket.chain.Amounts;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.Transactions;
import dev.bountymarket.contracts.BountyMarket;

/**
 * What an account earned from bounties: the payouts to it, the credits the contract holds for it (payouts whose push
 * failed), and what it withdrew.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class AccountService {

    @Inject
    Transactions transactions;

    @Inject
    ContractRegistry registry;

    /** An amount the contract holds for the account, withdrawable at any time; read from the chain. */
    public record Credit(String token, BigInteger amount) {
    }

    /** A withdrawal of credit, from a Withdrawn event. */
    public record Withdrawal(String token, String recipient, BigInteger amount, String txHash, long blockNumber) {
    }

    public record Earnings(List<Payout> payouts, List<Credit> credits, List<Withdrawal> withdrawals) {
    }

    public Earnings earnings(String account) {
        List<Payout> payouts = Payout.toRecipient(account);
        // A credit comes only from a credited payout, so these are the only tokens the contract can hold for it.
        Set<String> tokens = new LinkedHashSet<>();
        tokens.add(Amounts.ETH);
        payouts.stream().filter(p -> p.credited).forEach(p -> tokens.add(p.token.toLowerCase()));
        List<Credit> credits = tokens.stream()
                .map(token -> new Credit(token, transactions.creditOf(account, token)))
                .filter(credit -> credit.amount().signum() > 0)
                .toList();
        return new Earnings(payouts, credits, withdrawals(account));
    }

    /** Newest first. The account is the Withdrawn event's first indexed parameter (topics[2] in SQL's 1-based arrays). */
    @SuppressWarnings("unchecked")
    List<Withdrawal> withdrawals(String account) {
        String topic = Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(account), 64);
        List<ChainEvent> events = ChainEvent.getEntityManager().createNativeQuery("""
                SELECT * FROM chain_event WHERE contract = ?1 AND name = 'Withdrawn' AND lower(topics[2]) = ?2
                ORDER BY block_number DESC, log_index DESC""", ChainEvent.class)
                .setParameter(1, registry.current().address).setParameter(2, topic).getResultList();
        return events.stream().map(event -> {
            var withdrawn = BountyMarket.getWithdrawnEventFromLog(event.toLog());
            return new Withdrawal(withdrawn.token, withdrawn.recipient, withdrawn.amount, event.txHash, event.blockNumber);
        }).toList();
    }
}
