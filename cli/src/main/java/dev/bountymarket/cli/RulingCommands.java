package dev.bountymarket.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

import dev.bountymarket.contracts.BountyMarket;
import dev.bountymarket.evaluator.report.CanonicalJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The arbiter's rulings on a disputed bounty, sent from the local key: {@code overturn} with the corrected results
 * document that {@code audit} wrote, or {@code uphold}. The server prepares the transaction (and keeps the document, to
 * serve it as the results once the overturn is on-chain); the command signs it only once it carries exactly the
 * ranking and report hash of the local document.
 */
final class RulingCommands {
    private static final JsonMapper CANONICAL = JsonMapper.builder().nodeFactory(CanonicalJson.NODES).build();

    private RulingCommands() {
    }

    /** The contract's encoder (only encodes: nothing is sent through it). */
    static BountyMarket encoder(String contract) {
        return BountyMarket.load(contract, null, new ReadonlyTransactionManager(null, contract), new DefaultGasProvider());
    }

    /** What both rulings need: the signed-in arbiter, its key and the chain. */
    abstract static class Ruling implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Mixin
        KeyOptions key;

        @Mixin
        MarketOption market;

        @Parameters(paramLabel = "ID", description = "The bounty's id on the server (as in /bounties/ID).")
        long id;

        @Option(names = "--rpc", paramLabel = "URL", description = "The chain's JSON-RPC URL (default: $BOUNTYMARKET_RPC_URL).")
        String rpc;

        Api api;
        Credentials account;
        String pinned;
        BigInteger onchainId;

        void signedInArbiter() {
            String server = main.server();
            TokenStore.Entry signedIn = TokenStore.standard().require(server);
            api = new Api(server, Optional.of(signedIn.token()));
            pinned = market.pinned(server, signedIn);
            account = key.credentials();
            if (!account.getAddress().equalsIgnoreCase(signedIn.address())) {
                throw new CliException(ExitCodes.NOT_SIGNED_IN, "the key is " + account.getAddress().toLowerCase(Locale.ROOT)
                        + ", but you are signed in as " + signedIn.address());
            }
            JsonNode bounty = api.get("/api/bounties/" + id);
            if (!bounty.hasNonNull("onchainId")) {
                throw new CliException(ExitCodes.REMOTE, "bounty " + id + " is not on-chain yet");
            }
            onchainId = new BigInteger(bounty.get("onchainId").asText());
        }

        TransactionReceipt send(JsonNode tx, String expectedData) {
            String rpcUrl = rpc != null ? rpc : System.getenv("BOUNTYMARKET_RPC_URL");
            if (rpcUrl == null) {
                throw new CliException(ExitCodes.USAGE, "give --rpc URL (or set BOUNTYMARKET_RPC_URL) to send the ruling");
            }
            try (ChainSender sender = new ChainSender(rpcUrl, account, pinned)) {
                return sender.send(tx, expectedData, BigInteger.ZERO);
            }
        }

        void done(String what, TransactionReceipt receipt, String reportHash) {
            if (main.json()) {
                var out = Api.JSON.createObjectNode().put("bounty", id).put("ruling", what)
                        .put("tx", receipt.getTransactionHash());
                if (reportHash != null) {
                    out.put("reportHash", reportHash);
                }
                System.out.println(out.toPrettyString());
            } else {
                System.out.println("Results of bounty " + id + " " + what + " in " + receipt.getTransactionHash()
                        + (reportHash != null ? " (reportHash " + reportHash + ")" : ""));
            }
        }
    }

    @Command(name = "overturn", mixinStandardHelpOptions = true,
            description = {"As the bounty's arbiter, replace its disputed results with the corrected results document"
                    + " that `bountymarket audit` wrote (overturnResults, from your local key): its ranking is paid, its"
                    + " keccak256 becomes the reportHash, and every challenger gets its bond back."})
    static final class Overturn extends Ruling {
        @Option(names = "--results", paramLabel = "FILE", description = "The corrected results document (default:"
                + " bounty-ID/corrected-results.json, where audit writes it).")
        Path results;

        @Override
        public Integer call() {
            Path file = results != null ? results : Path.of("bounty-" + id).resolve("corrected-results.json");
            JsonNode document;
            try {
                document = CANONICAL.readTree(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException(ExitCodes.LOCAL, "cannot read the corrected results " + file + ": " + e.getMessage());
            }
            if (document == null || !document.path("entries").isArray()) {
                throw new CliException(ExitCodes.LOCAL, file + " is not a results document (no entries array)");
            }
            signedInArbiter();
            if (!document.path("bountyId").asText().equals(onchainId.toString())) {
                throw new CliException(ExitCodes.LOCAL, file + " is for bounty " + document.path("bountyId").asText()
                        + " on-chain, but bounty " + id + " is " + onchainId + " on-chain");
            }
            byte[] canonical = CanonicalJson.bytes(document);
            byte[] reportHash = Hash.sha3(canonical);
            List<BountyMarket.ResultEntry> entries = new ArrayList<>();
            for (JsonNode e : document.path("entries")) {
                entries.add(new BountyMarket.ResultEntry(BigInteger.valueOf(e.path("submissionIndex").asLong()),
                        e.path("contributor").asText(), Numeric.hexStringToByteArray(e.path("modelSha256").asText()),
                        BigInteger.valueOf(e.path("score").asLong())));
            }
            JsonNode tx = api.post("/api/bounties/" + id + "/transactions/overturn", document);
            String plain = encoder(pinned).overturnResults(onchainId, entries, reportHash)
                    .encodeFunctionCall();
            String data = tx.path("data").asText();
            // With relayed entries the server adds their relay proofs (the contract checks them): the id, the ranking
            // and the report hash must still be this document's, byte for byte.
            TransactionReceipt receipt = send(tx, sameRuling(data, plain) ? data : plain);
            done("overturned", receipt, Numeric.toHexString(reportHash));
            return ExitCodes.OK;
        }
    }

    @Command(name = "uphold", mixinStandardHelpOptions = true,
            description = "As the bounty's arbiter, let its disputed results stand (upholdResults, from your local key):"
                    + " every challenger's bond goes to the treasury. Run `bountymarket audit` first: exit 0 means every"
                    + " entry matched.")
    static final class Uphold extends Ruling {
        @Override
        public Integer call() {
            signedInArbiter();
            JsonNode tx = api.post("/api/bounties/" + id + "/transactions/uphold", Api.JSON.createObjectNode());
            String expected = encoder(pinned).upholdResults(onchainId).encodeFunctionCall();
            done("upheld", send(tx, expected), null);
            return ExitCodes.OK;
        }
    }

    /**
     * Whether {@code data} is overturnResultsWithProofs with the same bounty id, ranking and report hash as
     * {@code plain} (overturnResults): both encode (id, entries offset, ..., reportHash) in their head, and the
     * entries array (static structs) the same way wherever it lies.
     */
    static boolean sameRuling(String data, String plain) {
        String withProofs = encoder("0x0000000000000000000000000000000000000000")
                .overturnResultsWithProofs(BigInteger.ZERO, List.of(), List.of(), new byte[32]).encodeFunctionCall()
                .substring(0, 10);
        if (!data.toLowerCase(Locale.ROOT).startsWith(withProofs)) {
            return false;
        }
        String a = data.substring(10).toLowerCase(Locale.ROOT);
        String b = plain.substring(10).toLowerCase(Locale.ROOT);
        if (a.length() % 64 != 0 || a.length() < 4 * 64) {
            return false;
        }
        try {
            return word(a, 0).equals(word(b, 0)) && word(a, 3).equals(word(b, 2))
                    && entriesArray(a, word(a, 1)).equals(entriesArray(b, word(b, 1)));
        } catch (ArithmeticException | IndexOutOfBoundsException | NumberFormatException malformed) {
            return false;
        }
    }

    private static String word(String hex, int index) {
        return hex.substring(index * 64, index * 64 + 64);
    }

    /** The ABI encoding of the entries array at byte offset {@code offsetWord}: its length, then 4 words an entry. */
    private static String entriesArray(String hex, String offsetWord) {
        int start = new BigInteger(offsetWord, 16).intValueExact() * 2;
        int count = new BigInteger(hex.substring(start, start + 64), 16).intValueExact();
        int end = start + 64 + count * 4 * 64;
        return end > hex.length() ? "" : hex.substring(start, end);
    }
}
