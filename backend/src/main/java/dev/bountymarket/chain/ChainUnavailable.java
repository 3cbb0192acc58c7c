package dev.bountymarket.chain;

/**
 * The chain node is not answering, and what was asked needs a live answer from it (preparing a transaction, reading a
 * credit or a token): a 503 at once rather than a request that hangs. An {@link IllegalStateException}, like every
 * other failure to read the chain, so that callers that can do without the chain carry on.
 */
public class ChainUnavailable extends IllegalStateException {

    public ChainUnavailable(String message) {
        super(message);
    }
}
