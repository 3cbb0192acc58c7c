package dev.bountymarket.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.local.Anvil;

/** Drives a test chain the way users and anvil's test methods do: transactions from dev accounts, time travel, snapshots. */
public final class ChainDriver implements AutoCloseable {

    public static final String ETH = "0x0000000000000000000000000000000000000000";

    private final HttpService rpc;
    public final Web3j web3j;

    public ChainDriver(String rpcUrl) {
        this.rpc = new HttpService(rpcUrl);
        this.web3j = Web3j.build(rpc);
    }

    public BountyMarket market(String address, Credentials account) {
        return BountyMarket.load(address, web3j, new RawTransactionManager(web3j, account, Anvil.CHAIN_ID),
                new DefaultGasProvider());
    }

    public static TransactionReceipt send(RemoteFunctionCall<TransactionReceipt> call) {
        try {
            TransactionReceipt receipt = call.send();
            if (!receipt.isStatusOK()) {
                throw new AssertionError("transaction reverted: " + receipt);
            }
            return receipt;
        } catch (Exception e) {
            // web3j's send() declares Exception
            throw new AssertionError("transaction failed: " + e.getMessage(), e);
        }
    }

    /** An ETH bounty with a one-hour submission window and winner-takes-all. Returns its id. */
    public BigInteger createBounty(String market, Credentials sponsor, Credentials evaluator, Credentials arbiter,
            BigInteger reward, byte[] testSetCommitment) {
        return createBounty(market, sponsor, evaluator, arbiter, ETH, reward, testSetCommitment);
    }

    /**
     * A bounty paid in {@code token} (ETH: the zero address; else an ERC-20 the sponsor holds and has approved the
     * market for), with a one-hour submission window and winner-takes-all. Returns its id.
     */
    public BigInteger createBounty(String market, Credentials sponsor, Credentials evaluator, Credentials arbiter,
            String token, BigInteger reward, byte[] testSetCommitment) {
        long now = latestTimestamp();
        var params = new BountyMarket.BountyParams(token, reward, testSetCommitment,
                Hash.sha3("spec".getBytes(StandardCharsets.UTF_8)), BigInteger.ZERO, BigInteger.valueOf(500_000),
                BigInteger.ZERO, BigInteger.valueOf(now + 3600), BigInteger.valueOf(now + 7200),
                BigInteger.valueOf(3600), evaluator.getAddress(), arbiter.getAddress(), BigInteger.valueOf(3),
                BigInteger.TEN.pow(17));
        TransactionReceipt receipt = send(market(market, sponsor).createBounty(params, List.of(BigInteger.valueOf(10_000)),
                token.equals(ETH) ? reward : BigInteger.ZERO));
        return BountyMarket.getBountyCreatedEvents(receipt).get(0).bountyId;
    }

    public TransactionReceipt submit(String market, Credentials contributor, BigInteger bountyId, byte[] modelSha256) {
        return send(market(market, contributor).submit(bountyId, commitment(modelSha256, contributor.getAddress())));
    }

    /** keccak256(abi.encode(modelSha256, contributor)). */
    public static byte[] commitment(byte[] modelSha256, String contributor) {
        byte[] both = new byte[64];
        System.arraycopy(modelSha256, 0, both, 0, 32);
        System.arraycopy(Numeric.toBytesPadded(Numeric.toBigInt(contributor), 32), 0, both, 32, 32);
        return Hash.sha3(both);
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public long latestTimestamp() {
        try {
            return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp()
                    .longValueExact();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Mines an empty block at the chain's current time. */
    public void mine() {
        call("evm_mine", List.of());
    }

    /** Moves the chain's clock on without mining: the next transaction's block is the first one at the new time. */
    public void advanceClock(long seconds) {
        call("evm_increaseTime", List.of(seconds));
    }

    public void travel(long seconds) {
        call("evm_increaseTime", List.of(seconds));
        call("evm_mine", List.of());
    }

    /** Deploys contract creation code from {@code deployer}; returns the new contract's address. */
    public String deploy(Credentials deployer, String creationCode) {
        try {
            var manager = new RawTransactionManager(web3j, deployer, Anvil.CHAIN_ID);
            var sent = manager.sendTransaction(DefaultGasProvider.GAS_PRICE, BigInteger.valueOf(3_000_000), null,
                    creationCode, BigInteger.ZERO, true);
            if (sent.hasError()) {
                throw new IllegalStateException("deploying: " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = receipt(sent.getTransactionHash());
            return receipt.getContractAddress();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deploys a contract of solidity/test/utils/Mocks.sol (as the contracts' build left it in solidity/out) with its
     * ABI-encoded constructor arguments (hex without 0x, empty for none); returns its address.
     */
    public String deployMock(Credentials deployer, String name, String constructorArguments) {
        Path artifact = Path.of("../solidity/out/Mocks.sol", name + ".json");
        try {
            String creationCode = new ObjectMapper().readTree(artifact.toFile()).path("bytecode").path("object").asText();
            return deploy(deployer, creationCode + constructorArguments);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading " + artifact + " (built by the contracts module): " + e.getMessage(), e);
        }
    }

    /** Deploys a mock ERC-20 token ({@code MockERC20}) and mints {@code amount} of its units to {@code holder}. */
    public String deployToken(String symbol, int decimals, Credentials holder, BigInteger amount) {
        String token = deployMock(holder, "MockERC20",
                FunctionEncoder.encodeConstructor(List.of(new Utf8String(symbol), new Uint8(decimals))));
        transact(holder, token, FunctionEncoder.encode(new Function("mint",
                List.of(new Address(holder.getAddress()), new Uint256(amount)), List.of())));
        return token;
    }

    /** Sends a call from {@code from} to {@code to} with {@code data}; fails unless it is included and succeeds. */
    public TransactionReceipt transact(Credentials from, String to, String data) {
        try {
            var sent = new RawTransactionManager(web3j, from, Anvil.CHAIN_ID).sendTransaction(DefaultGasProvider.GAS_PRICE,
                    BigInteger.valueOf(1_000_000), to, data, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new IllegalStateException("sending to " + to + ": " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = receipt(sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new IllegalStateException("the call to " + to + " reverted");
            }
            return receipt;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes {@code account} run {@code implementation}'s code when called, keeping its key (EIP-7702): the account
     * signs an authorization and {@code relayer}, an account anvil unlocks, sends it in a set-code transaction.
     */
    public void delegate(Credentials account, String implementation, String relayer) {
        try {
            BigInteger nonce = web3j.ethGetTransactionCount(account.getAddress(), DefaultBlockParameterName.LATEST)
                    .send().getTransactionCount();
            // The authority signs keccak256(0x05 || rlp([chainId, address, nonce])).
            byte[] tuple = RlpEncoder.encode(new RlpList(RlpString.create(Anvil.CHAIN_ID),
                    RlpString.create(Numeric.hexStringToByteArray(implementation)), RlpString.create(nonce)));
            byte[] message = new byte[tuple.length + 1];
            message[0] = 0x05;
            System.arraycopy(tuple, 0, message, 1, tuple.length);
            Sign.SignatureData signature = Sign.signMessage(Hash.sha3(message), account.getEcKeyPair(), false);
            Map<String, String> authorization = Map.of("chainId", Numeric.toHexStringWithPrefix(BigInteger.valueOf(Anvil.CHAIN_ID)),
                    "address", implementation, "nonce", Numeric.toHexStringWithPrefix(nonce),
                    "yParity", Numeric.toHexStringWithPrefix(BigInteger.valueOf(signature.getV()[0] - 27)),
                    "r", Numeric.toHexString(signature.getR()), "s", Numeric.toHexString(signature.getS()));
            Map<String, Object> transaction = Map.of("from", relayer, "to", relayer,
                    "authorizationList", List.of(authorization));
            String hash = call("eth_sendTransaction", List.of(transaction)).getResult().toString();
            if (!receipt(hash).isStatusOK()) {
                throw new IllegalStateException("the set-code transaction reverted");
            }
            String code = web3j.ethGetCode(account.getAddress(), DefaultBlockParameterName.LATEST).send().getCode();
            if (!code.equalsIgnoreCase("0xef0100" + Numeric.cleanHexPrefix(implementation))) {
                throw new IllegalStateException("the chain did not take the delegation: code is " + code);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private TransactionReceipt receipt(String hash) throws java.io.IOException {
        for (int i = 0; i < 100; i++) {
            var receipt = web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
            if (receipt.isPresent()) {
                return receipt.get();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no receipt for " + hash);
    }

    /** Turns mining on each transaction on or off (anvil's evm_setAutomine); off, blocks come only from {@link #mine}. */
    public void automine(boolean on) {
        call("evm_setAutomine", List.of(on));
    }

    /** The base fee of the next block anvil mines (anvil_setNextBlockBaseFeePerGas). */
    public void nextBaseFee(BigInteger weiPerGas) {
        call("anvil_setNextBlockBaseFeePerGas", List.of(Numeric.toHexStringWithPrefix(weiPerGas)));
    }

    /** Removes a transaction from anvil's pool, as a node that evicts it would (anvil_dropTransaction). */
    public void dropTransaction(String hash) {
        call("anvil_dropTransaction", List.of(hash));
    }

    /** Broadcasts a signed transaction, as another node that kept it in its pool would. */
    public void sendRaw(String raw) {
        try {
            var sent = web3j.ethSendRawTransaction(raw).send();
            if (sent.hasError()) {
                throw new IllegalStateException("eth_sendRawTransaction: " + sent.getError().getMessage());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the node knows the transaction at all, mined or in its pool. */
    public boolean knows(String hash) {
        try {
            return web3j.ethGetTransactionByHash(hash).send().getTransaction().isPresent();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the transaction is mined. */
    public boolean mined(String hash) {
        try {
            return web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().isPresent();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setBalance(String address, BigInteger wei) {
        call("anvil_setBalance", List.of(address, Numeric.toHexStringWithPrefix(wei)));
    }

    public BigInteger balance(String address) {
        try {
            return web3j.ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transactions of {@code address} mined so far (its next nonce on the chain). */
    public long minedNonce(String address) {
        try {
            return web3j.ethGetTransactionCount(address, DefaultBlockParameterName.LATEST).send().getTransactionCount()
                    .longValueExact();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long blockNumber() {
        try {
            return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** anvil's evm_snapshot: an id to revert to. */
    public String snapshot() {
        return call("evm_snapshot", List.of()).getResult().toString();
    }

    public void revert(String snapshot) {
        call("evm_revert", List.of(snapshot));
    }

    private Response<?> call(String method, List<?> params) {
        try {
            Response<?> response = new Request<>(method, params, rpc, SnapshotResponse.class).send();
            if (response.hasError()) {
                throw new IllegalStateException(method + ": " + response.getError().getMessage());
            }
            return response;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static class SnapshotResponse extends Response<Object> {
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
