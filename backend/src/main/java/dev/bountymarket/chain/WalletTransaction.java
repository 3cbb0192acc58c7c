package dev.bountymarket.chain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A transaction for the user's own wallet to sign and send (eth_sendTransaction): the server prepares it, never
 * signs it. Amounts and the chain id are decimal strings, since they exceed what JSON numbers carry safely.
 *
 * @param chainId the chain it must be sent on
 * @param to the contract
 * @param data 0x-prefixed ABI-encoded call
 * @param value wei sent with it (ETH rewards, top-ups, bonds)
 * @param description what the wallet user is about to do, in words
 * @param approval for an amount in an ERC-20 token that the market may not take from the wallet yet: the token's
 *        {@code approve} transaction, to be sent (and included) first; absent otherwise
 */
public record WalletTransaction(String chainId, String to, String data, String value, String description,
        @JsonInclude(JsonInclude.Include.NON_NULL) WalletTransaction approval) {

    public WalletTransaction(String chainId, String to, String data, String value, String description) {
        this(chainId, to, data, value, description, null);
    }

    /** This transaction, to be preceded by {@code approval} (none when null). */
    public WalletTransaction after(WalletTransaction approval) {
        return new WalletTransaction(chainId, to, data, value, description, approval);
    }
}
