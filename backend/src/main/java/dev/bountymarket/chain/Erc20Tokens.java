package dev.bountymarket.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Reads ERC-20 tokens on the chain (what a reward in a token needs: that the address is a token, its symbol and
 * decimals for people, and how much the market may already take from a wallet) and encodes {@code approve}.
 */
@ApplicationScoped
public class Erc20Tokens {

    /** A token as the chain describes it; symbol is empty when the token has none (it is optional in ERC-20). */
    public record Token(String address, String symbol, int decimals) {
    }

    @Inject
    Web3j web3j;

    @Inject
    ChainWatch watch;

    /** Tokens read so far: a token's symbol and decimals never change. */
    private final Map<String, Token> known = new ConcurrentHashMap<>();

    /**
     * The token at {@code address}, or empty when no contract there answers as an ERC-20; read from the chain once.
     *
     * @throws IllegalStateException when the chain cannot be read
     */
    public Optional<Token> describe(String address) {
        String key = address.toLowerCase(Locale.ROOT);
        Token token = known.get(key);
        if (token == null) {
            token = read(key);
            if (token != null) {
                known.put(key, token);
            }
        }
        return Optional.ofNullable(token);
    }

    private Token read(String address) {
        try {
            // An address without code answers every call with nothing, so this also refuses accounts.
            List<Type> decimals = call(address, new Function("decimals", List.of(), List.of(new TypeReference<Uint8>() {
            })));
            List<Type> supply = call(address, new Function("totalSupply", List.of(), List.of(new TypeReference<Uint256>() {
            })));
            if (decimals.isEmpty() || supply.isEmpty()) {
                return null;
            }
            List<Type> symbol = call(address, new Function("symbol", List.of(), List.of(new TypeReference<Utf8String>() {
            })));
            return new Token(address, symbol.isEmpty() ? "" : symbol.get(0).getValue().toString(),
                    ((BigInteger) decimals.get(0).getValue()).intValueExact());
        } catch (IOException e) {
            throw new IllegalStateException("reading token " + address + " from the chain: " + e.getMessage(), e);
        }
    }

    /** How much {@code spender} may take from {@code owner} in {@code token}. */
    public BigInteger allowance(String token, String owner, String spender) {
        try {
            List<Type> answer = call(token, new Function("allowance", List.of(new Address(owner), new Address(spender)),
                    List.of(new TypeReference<Uint256>() {
                    })));
            return answer.isEmpty() ? BigInteger.ZERO : (BigInteger) answer.get(0).getValue();
        } catch (IOException e) {
            throw new IllegalStateException("reading an allowance of token " + token + ": " + e.getMessage(), e);
        }
    }

    /** The call data of {@code approve(spender, amount)}. */
    public static String approve(String spender, BigInteger amount) {
        return FunctionEncoder.encode(new Function("approve", List.of(new Address(spender), new Uint256(amount)),
                List.of()));
    }

    /** The decoded answer, or an empty list when the call reverted or returned nothing decodable. */
    @SuppressWarnings("rawtypes")
    private List<Type> call(String to, Function function) throws IOException {
        watch.requireAnswering();
        EthCall answer = web3j.ethCall(Transaction.createEthCallTransaction(null, to, FunctionEncoder.encode(function)),
                DefaultBlockParameterName.LATEST).send();
        if (answer.hasError() || answer.isReverted() || answer.getValue() == null || answer.getValue().equals("0x")) {
            return List.of();
        }
        try {
            return FunctionReturnDecoder.decode(answer.getValue(), function.getOutputParameters());
        } catch (RuntimeException undecodable) {
            return List.of();
        }
    }
}
