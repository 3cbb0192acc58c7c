package dev.bountymarket.cli;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

import dev.bountymarket.contracts.BountyMarket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "fund", mixinStandardHelpOptions = true,
        description = {"Sponsors: put a drafted bounty on-chain with its reward in escrow, sending createBounty from "
                + "your local key. Deadlines count from the chain's clock.",
                "The server's transaction is decoded and checked against these terms before it is signed."})
final class FundCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Mixin
    KeyOptions key;

    @Mixin
    MarketOption market;

    @Parameters(paramLabel = "ID", description = "The draft's id.")
    long id;

    @Option(names = "--reward", required = true, paramLabel = "WEI", description = "The reward in wei (ETH).")
    BigInteger reward;

    @Option(names = "--arbiter", required = true, paramLabel = "ADDRESS", description = "Who settles challenges.")
    String arbiter;

    @Option(names = "--open-for", defaultValue = "PT168H", paramLabel = "DURATION",
            description = "How long submissions stay open, ISO-8601 (default: ${DEFAULT-VALUE}, a week).")
    Duration openFor;

    @Option(names = "--evaluation-window", defaultValue = "PT24H", paramLabel = "DURATION",
            description = "Time after the submission deadline to post results (default: ${DEFAULT-VALUE}).")
    Duration evaluationWindow;

    @Option(names = "--challenge-window", defaultValue = "PT1H", paramLabel = "DURATION",
            description = "Time to challenge posted results (default: ${DEFAULT-VALUE}).")
    Duration challengeWindow;

    @Option(names = "--threshold", defaultValue = "0", description = "The score (fixed point 1e6) an entry must pass.")
    long threshold;

    @Option(names = "--shares", split = ",", defaultValue = "10000", paramLabel = "BPS",
            description = "Prize shares in basis points, best first, adding up to 10000 (default: winner takes all).")
    List<Integer> shares;

    @Option(names = "--bond", paramLabel = "WEI", description = "The bond a challenger puts up (default: 5% of the reward).")
    BigInteger bond;

    @Option(names = "--max-per-contributor", defaultValue = "3", description = "Submissions per contributor.")
    int maxPerContributor;

    @Option(names = "--reveal", defaultValue = "public", description = "public or confidential.")
    String reveal;

    @Option(names = "--rpc", paramLabel = "URL", description = "The chain's JSON-RPC URL (default: $BOUNTYMARKET_RPC_URL).")
    String rpc;

    @Override
    public Integer call() throws Exception {
        String rpcUrl = rpc != null ? rpc : System.getenv("BOUNTYMARKET_RPC_URL");
        if (rpcUrl == null) {
            throw new CliException(ExitCodes.USAGE, "give --rpc URL (or set BOUNTYMARKET_RPC_URL)");
        }
        if (bond == null) {
            bond = reward.divide(BigInteger.valueOf(20));
        }
        String server = main.server();
        TokenStore.Entry signedIn = TokenStore.standard().require(server);
        Credentials account = key.credentials();
        if (!account.getAddress().equalsIgnoreCase(signedIn.address())) {
            throw new CliException(ExitCodes.NOT_SIGNED_IN, "the key is " + account.getAddress() + ", but you are signed"
                    + " in as " + signedIn.address());
        }
        String pinned = market.pinned(server, signedIn);
        Api api = new Api(server, Optional.of(signedIn.token()));
        try (ChainSender sender = new ChainSender(rpcUrl, account, pinned)) {
            long now = sender.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                    .getTimestamp().longValueExact();
            long submissionDeadline = now + openFor.toSeconds();
            long evaluationDeadline = submissionDeadline + evaluationWindow.toSeconds();
            Map<String, Object> terms = new LinkedHashMap<>();
            terms.put("token", "ETH");
            terms.put("amount", reward.toString());
            terms.put("threshold", threshold);
            terms.put("shares", shares);
            terms.put("submissionDeadline", submissionDeadline);
            terms.put("evaluationDeadline", evaluationDeadline);
            terms.put("challengeWindowSeconds", challengeWindow.toSeconds());
            terms.put("arbiter", arbiter);
            terms.put("maxSubmissionsPerContributor", maxPerContributor);
            terms.put("challengeBond", bond.toString());
            terms.put("revealPolicy", reveal);
            JsonNode tx = api.post("/api/bounties/" + id + "/transactions/create", terms);
            check(tx, submissionDeadline, evaluationDeadline);
            TransactionReceipt receipt = sender.send(tx, tx.path("data").asText(), reward);
            if (main.json()) {
                System.out.println(Api.JSON.createObjectNode().put("bounty", id).put("tx", receipt.getTransactionHash())
                        .toPrettyString());
            } else {
                System.out.println("Funded bounty " + id + " with " + Amounts.amount(reward.toString(), Amounts.ETH)
                        + " in " + receipt.getTransactionHash() + "; submissions close at chain time " + submissionDeadline);
            }
        }
        return ExitCodes.OK;
    }

    /** Decodes the server's createBounty call and refuses it unless it carries exactly these terms. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private void check(JsonNode tx, long submissionDeadline, long evaluationDeadline) {
        String data = tx.path("data").asText();
        String selector = org.web3j.crypto.Hash.sha3String(BountyMarket.FUNC_CREATEBOUNTY + "("
                + "(address,uint256,bytes32,bytes32,uint8,int256,uint8,uint64,uint64,uint64,address,address,uint16,uint256),"
                + "uint16[])").substring(0, 10);
        if (!data.startsWith(selector)) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's transaction is not createBounty");
        }
        List<TypeReference<Type>> types = new ArrayList<>();
        types.add((TypeReference) new TypeReference<BountyMarket.BountyParams>() { });
        types.add((TypeReference) new TypeReference<DynamicArray<Uint16>>() { });
        List<Type> decoded = FunctionReturnDecoder.decode("0x" + data.substring(selector.length()), types);
        BountyMarket.BountyParams params = (BountyMarket.BountyParams) decoded.get(0);
        List<Integer> sent = ((DynamicArray<Uint16>) decoded.get(1)).getValue().stream()
                .map(u -> u.getValue().intValue()).toList();
        List<String> wrong = new ArrayList<>();
        if (!params.token.equalsIgnoreCase(Amounts.ETH)) {
            wrong.add("token " + params.token);
        }
        if (!params.amount.equals(reward)) {
            wrong.add("reward " + params.amount);
        }
        if (params.submissionDeadline.longValue() != submissionDeadline
                || params.evaluationDeadline.longValue() != evaluationDeadline
                || params.challengeWindow.longValue() != challengeWindow.toSeconds()) {
            wrong.add("deadlines");
        }
        if (!params.arbiter.equalsIgnoreCase(arbiter)) {
            wrong.add("arbiter " + params.arbiter);
        }
        if (params.threshold.longValue() != threshold || !params.challengeBond.equals(bond)
                || params.maxSubmissionsPerContributor.intValue() != maxPerContributor
                || params.revealPolicy.intValue() != (reveal.toLowerCase(Locale.ROOT).equals("confidential") ? 1 : 0)) {
            wrong.add("threshold, bond, submission limit or reveal policy");
        }
        if (!sent.equals(shares)) {
            wrong.add("shares " + sent);
        }
        if (!wrong.isEmpty()) {
            throw new CliException(ExitCodes.REMOTE, "refusing to sign: the server's createBounty differs from your terms"
                    + " in: " + String.join(", ", wrong));
        }
        System.err.println("createBounty checked: evaluator " + params.evaluator + ", specHash "
                + org.web3j.utils.Numeric.toHexString(params.specHash) + ", test-set commitment "
                + org.web3j.utils.Numeric.toHexString(params.testSetCommitment));
    }
}
