package dev.bountymarket.chain;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A deployment as solidity/scripts/record-deployment.js records it after the Foundry deploy script: the chain, the
 * contract's address, the block it was created in (where the indexer starts) and the creating transaction. Other fields
 * (salt, constructor arguments, for explorers) are not the server's business.
 */
public record DeploymentFile(Path path, long chainId, String address, long blockNumber, String transactionHash) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file is missing or not a deployment record; the message names the file and the setting. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    public static DeploymentFile read(Path path) {
        JsonNode json;
        try {
            json = JSON.readTree(path.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new Invalid("no deployment file at " + path.toAbsolutePath() + " (CHAIN_DEPLOYMENT_FILE)");
        } catch (IOException e) {
            throw new Invalid("the deployment file " + path + " is not JSON (CHAIN_DEPLOYMENT_FILE): " + e.getMessage());
        }
        long chainId = number(json, "chainId", path);
        String address = text(json, "address", path).toLowerCase(Locale.ROOT);
        if (!address.matches("0x[0-9a-f]{40}")) {
            throw new Invalid("the deployment file " + path + " has no valid address: \"" + address + "\"");
        }
        long blockNumber = number(json, "blockNumber", path);
        String transactionHash = json.path("transactionHash").isTextual()
                ? json.path("transactionHash").asText().toLowerCase(Locale.ROOT) : null;
        if (transactionHash != null && !transactionHash.matches("0x[0-9a-f]{64}")) {
            throw new Invalid("the deployment file " + path + " has no valid transactionHash: \"" + transactionHash + "\"");
        }
        return new DeploymentFile(path, chainId, address, blockNumber, transactionHash);
    }

    /** Refuses a record of another chain than the one the server is connected to. */
    public DeploymentFile requireChain(long connected) {
        if (chainId != connected) {
            throw new Invalid("the deployment in " + path + " is for chain " + chainId + ", but CHAIN_RPC_URL answers chain "
                    + connected + " (CHAIN_DEPLOYMENT_FILE)");
        }
        return this;
    }

    private static long number(JsonNode json, String field, Path path) {
        JsonNode value = json.path(field);
        if (!value.canConvertToExactIntegral() || value.asLong() < 0) {
            throw new Invalid("the deployment file " + path + " has no " + field + " (a whole number)");
        }
        return value.asLong();
    }

    private static String text(JsonNode json, String field, Path path) {
        if (!json.path(field).isTextual()) {
            throw new Invalid("the deployment file " + path + " has no " + field);
        }
        return json.path(field).asText();
    }
}
