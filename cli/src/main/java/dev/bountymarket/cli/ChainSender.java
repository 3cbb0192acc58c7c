package dev.bountymarket.cli;

import java.math.BigInteger;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Sends a transaction the server prepared ({@code {chainId, to, data, value}}) from the local key, after the caller
 * has checked that it does what the user asked: the server never holds keys, and is not trusted to say what to sign.
 * Every field is checked here before the chain is asked anything: the data against what the caller built, the value
 * against what the caller means to pay, and the recipient against the market pinned on this machine (a server that
 * named its own address could otherwise take a whole reward).
 */
final class ChainSender implements AutoCloseable {
    private final Web3j web3j;
    private final Credentials account;
    private final String market;

    /** @param market the market contract the transactions must call ({@link MarketOption}) */
    ChainSender(String rpc, Credentials account, String market) {
        this.web3j = Web3j.build(new HttpService(rpc));
        this.account = account;
        this.market = market;
    }

    Web3j web3j() {
        return web3j;
    }

    /**
     * Sends {@code tx} once it calls the pinned market with {@code expectedData} and {@code expectedValue} wei on this
     * chain, and returns the mined receipt (status checked).
     */
    TransactionReceipt send(JsonNode tx, String expectedData, BigInteger expectedValue) {
        String data = tx.path("data").asText();
        if (!data.equalsIgnoreCase(expectedData)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's transaction is not the one asked for"
                    + " (its data " + data + " differs from " + expectedData + ")");
        }
        String to = tx.path("to").asText("");
        if (!to.equalsIgnoreCase(market)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's transaction is addressed to " + to
                    + ", not to the market contract " + market + " (recorded at login, or given with --market). If the"
                    + " site has announced a new contract, run bountymarket login --market NEW-ADDRESS; otherwise the"
                    + " server may be compromised");
        }
        BigInteger value;
        try {
            value = new BigInteger(tx.path("value").asText("0"));
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's transaction has no value in wei ("
                    + tx.path("value") + ")");
        }
        if (!value.equals(expectedValue)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's transaction sends " + value
                    + " wei with it, but this command pays " + expectedValue + " wei; the server may be compromised");
        }
        try {
            long chainId = web3j.ethChainId().send().getChainId().longValue();
            long wanted = Long.parseLong(tx.path("chainId").asText());
            if (chainId != wanted) {
                throw new CliException(ExitCodes.REMOTE, "--rpc is chain " + chainId + ", but the bounty is on chain " + wanted);
            }
            RawTransactionManager manager = new RawTransactionManager(web3j, account, chainId);
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
            BigInteger gas = web3j.ethEstimateGas(org.web3j.protocol.core.methods.request.Transaction.createFunctionCallTransaction(
                    account.getAddress(), null, null, null, market, value, data)).send()
                    .getAmountUsed();
            EthSendTransaction sent = manager.sendTransaction(gasPrice.multiply(BigInteger.TWO), gas.multiply(BigInteger.valueOf(12))
                    .divide(BigInteger.TEN), market, data, value);
            if (sent.hasError()) {
                throw new CliException(ExitCodes.REMOTE, "the chain refused the transaction: " + sent.getError().getMessage());
            }
            System.err.println("sent " + sent.getTransactionHash() + ", waiting for it to be mined");
            TransactionReceipt receipt = new PollingTransactionReceiptProcessor(web3j, 1000, 600)
                    .waitForTransactionReceipt(sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new CliException(ExitCodes.REMOTE, "the transaction " + sent.getTransactionHash() + " reverted");
            }
            return receipt;
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            // web3j declares Exception
            String message = String.valueOf(e.getMessage());
            throw new CliException(ExitCodes.REMOTE, "cannot send the transaction: " + (message.toLowerCase(Locale.ROOT)
                    .contains("revert") ? "the contract refuses it: " + message : message), e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
