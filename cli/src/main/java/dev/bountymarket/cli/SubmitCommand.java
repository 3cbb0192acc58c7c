package dev.bountymarket.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

import dev.bountymarket.cli.audit.ChainFacts;
import dev.bountymarket.evaluator.report.Hashes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Upload a model (with a progress bar), wait for its check on the public sample, then commit it "
                + "on-chain by sending submit(bounty, keccak256(abi.encode(modelSha256, you))) from your local key.",
                "The transaction is built here and compared with the server's before it is signed."},
        footer = {"", "Exit codes: 0 committed; 1 the model was refused by its check; 2 the server or chain refused."})
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Mixin
    KeyOptions key;

    @Mixin
    MarketOption market;

    @Parameters(paramLabel = "ID", description = "The bounty's id on the server.")
    long id;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The ONNX model (or model bundle zip).")
    Path model;

    @Option(names = "--rpc", paramLabel = "URL", description = "The chain's JSON-RPC URL, to send the commitment"
            + " (default: $BOUNTYMARKET_RPC_URL).")
    String rpc;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(model)) {
            throw new CliException(ExitCodes.LOCAL, "no model file " + model);
        }
        String rpcUrl = rpc != null ? rpc : System.getenv("BOUNTYMARKET_RPC_URL");
        if (rpcUrl == null) {
            throw new CliException(ExitCodes.USAGE, "give --rpc URL (or set BOUNTYMARKET_RPC_URL): the commitment is sent"
                    + " from your key to the chain");
        }
        String server = main.server();
        TokenStore.Entry signedIn = TokenStore.standard().require(server);
        Credentials account = key.credentials();
        String me = account.getAddress().toLowerCase(Locale.ROOT);
        if (!me.equalsIgnoreCase(signedIn.address())) {
            throw new CliException(ExitCodes.NOT_SIGNED_IN, "the key is " + me + ", but you are signed in to " + server
                    + " as " + signedIn.address() + ": run bountymarket login with this key");
        }
        String pinned = market.pinned(server, signedIn);
        Api api = new Api(server, Optional.of(signedIn.token()));
        JsonNode bounty = api.get("/api/bounties/" + id);
        if (!bounty.hasNonNull("onchainId")) {
            throw new CliException(ExitCodes.REMOTE, "bounty " + id + " is not on-chain yet");
        }
        String sha256 = Hashes.sha256(model);
        JsonNode submission = api.upload("/api/bounties/" + id + "/submissions", "model", model, sha256, System.err);
        long submissionId = submission.path("id").asLong();
        submission = StatusCommand.awaitCheck(api, submissionId, submission);
        JsonNode validation = submission.path("validation");
        if (!validation.path("ok").asBoolean(false)) {
            System.out.println("REFUSED (" + validation.path("code").asText() + "): " + validation.path("message").asText());
            return ExitCodes.MISMATCH;
        }
        System.err.println("uploaded as submission " + submissionId + ", public score " + submission.path("publicScore")
                .asText() + "; committing it on-chain");
        JsonNode tx = api.post("/api/submissions/" + submissionId + "/transactions/submit", Map.of());
        String commitment = ChainFacts.submissionCommitment(sha256, me);
        String expected = FunctionEncoder.encode(new Function("submit", List.of(
                new Uint256(new BigInteger(bounty.get("onchainId").asText())),
                new Bytes32(Numeric.hexStringToByteArray(commitment))), List.of()));
        TransactionReceipt receipt;
        try (ChainSender sender = new ChainSender(rpcUrl, account, pinned)) {
            receipt = sender.send(tx, expected, BigInteger.ZERO);
        }
        if (main.json()) {
            System.out.println(Api.JSON.createObjectNode().put("submission", submissionId).put("modelSha256", sha256)
                    .put("commitment", commitment).put("tx", receipt.getTransactionHash()).toPrettyString());
        } else {
            System.out.println("Committed submission " + submissionId + " (model sha256 " + sha256 + ", commitment "
                    + commitment + ") in " + receipt.getTransactionHash());
            System.out.println("Follow it with: bountymarket status " + submissionId + " --wait");
        }
        return ExitCodes.OK;
    }
}
