package dev.bountymarket.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns the revert data of a failed transaction into words: the contract's custom errors (from its ABI, packaged with
 * the server), Solidity's Error(string) and Panic(uint256).
 */
@ApplicationScoped
public class RevertReasons {

    private final Map<String, ErrorType> bySelector = new HashMap<>();

    private record ErrorType(String name, List<String> argNames, List<String> argTypes) {
    }

    public RevertReasons() {
        add(new ErrorType("Error", List.of("message"), List.of("string")));
        add(new ErrorType("Panic", List.of("code"), List.of("uint256")));
        try (InputStream abi = RevertReasons.class.getResourceAsStream("/abi/BountyMarket.abi")) {
            if (abi == null) {
                throw new IllegalStateException("abi/BountyMarket.abi is not on the classpath: build the solidity module first");
            }
            for (JsonNode entry : new ObjectMapper().readTree(abi)) {
                if (!"error".equals(entry.path("type").asText())) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                List<String> types = new ArrayList<>();
                for (JsonNode input : entry.path("inputs")) {
                    names.add(input.path("name").asText());
                    types.add(input.path("type").asText());
                }
                add(new ErrorType(entry.path("name").asText(), names, types));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(ErrorType error) {
        String signature = error.name() + "(" + String.join(",", error.argTypes()) + ")";
        bySelector.put(Hash.sha3String(signature).substring(0, 10), error);
    }

    /** For example {@code SubmissionsClosed(bountyId: 3, submissionDeadline: 2030-01-01T00:00:00Z)}; empty if unknown. */
    public Optional<String> explain(String revertData) {
        if (revertData == null || !revertData.matches("0x[0-9a-fA-F]{8}([0-9a-fA-F]{64})*")) {
            return Optional.empty();
        }
        ErrorType error = bySelector.get(revertData.substring(0, 10).toLowerCase(Locale.ROOT));
        if (error == null) {
            return Optional.empty();
        }
        List<TypeReference<Type>> types = new ArrayList<>();
        try {
            for (String type : error.argTypes()) {
                types.add(TypeReference.makeTypeReference(type));
            }
        } catch (ClassNotFoundException e) {
            return Optional.of(error.name());
        }
        List<Type> values;
        try {
            values = FunctionReturnDecoder.decode("0x" + revertData.substring(10), types);
        } catch (RuntimeException malformed) { // arguments that do not fit the error's types
            return Optional.empty();
        }
        if (values.size() != types.size()) {
            return Optional.empty();
        }
        if (error.name().equals("Error") && values.size() == 1) {
            return Optional.of(values.get(0).getValue().toString());
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            args.add(error.argNames().get(i) + ": " + show(error.argNames().get(i), values.get(i).getValue()));
        }
        return Optional.of(error.name() + (args.isEmpty() ? "" : "(" + String.join(", ", args) + ")"));
    }

    private static String show(String name, Object value) {
        if (value instanceof BigInteger number && name.endsWith("Deadline") && number.bitLength() < 63) {
            return Instant.ofEpochSecond(number.longValue()).toString();
        }
        return String.valueOf(value);
    }
}
