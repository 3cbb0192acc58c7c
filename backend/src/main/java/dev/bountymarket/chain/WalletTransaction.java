package dev.bountymarket.chain;

/**
 * A transaction for the user's own wallet to sign and send (eth_sendTransaction): the server prepares it, never
 * signs it. Amounts and the chain id are decimal strings, since they exceed what JSON numbers carry safely.
 *
 * @param chainId the chain it must be sent on
 * @param to the contract
 * @param data 0x-prefixed ABI-encoded call
 * @param value wei sent with it (ETH rewards, top-ups, bonds)
 * @param description what the wallet user is about to do, in words
 */
public record WalletTransaction(String chainId, String to, String data, String value, String description) {
}
