package dev.bountymarket.cli;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "withdraw", mixinStandardHelpOptions = true,
        description = "Withdraw what the contract credited you (a payment it could not push), from your local key; "
                + "without credits, list your earnings.")
final class WithdrawCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Mixin
    KeyOptions key;

    @Mixin
    MarketOption market;

    @Option(names = "--token", paramLabel = "ADDRESS", description = "The token to withdraw (default: ETH).")
    String token = Amounts.ETH;

    @Option(names = "--rpc", paramLabel = "URL", description = "The chain's JSON-RPC URL (default: $BOUNTYMARKET_RPC_URL).")
    String rpc;

    @Override
    public Integer call() {
        String server = main.server();
        TokenStore.Entry signedIn = TokenStore.standard().require(server);
        Api api = new Api(server, Optional.of(signedIn.token()));
        JsonNode earnings = api.get("/api/me/earnings");
        Optional<JsonNode> credit = java.util.stream.StreamSupport.stream(earnings.path("credits").spliterator(), false)
                .filter(c -> c.path("token").asText().equalsIgnoreCase(token)).findFirst();
        if (credit.isEmpty() || credit.get().path("amount").asText("0").equals("0")) {
            if (main.json()) {
                System.out.println(earnings.toPrettyString());
            } else {
                System.out.println("Nothing to withdraw in " + (token.equalsIgnoreCase(Amounts.ETH) ? "ETH" : token)
                        + ": prizes are paid straight to your address when the contract can.");
                Table table = new Table("BOUNTY", "KIND", "AMOUNT", "CREDITED");
                for (JsonNode p : earnings.path("payouts")) {
                    table.row(p.path("bountyId").asText(), p.path("kind").asText(),
                            Amounts.amount(p.path("amount").asText("0"), p.path("token").asText()), p.path("credited").asText());
                }
                table.print(System.out);
            }
            return ExitCodes.OK;
        }
        String rpcUrl = rpc != null ? rpc : System.getenv("BOUNTYMARKET_RPC_URL");
        if (rpcUrl == null) {
            throw new CliException(ExitCodes.USAGE, "give --rpc URL (or set BOUNTYMARKET_RPC_URL) to send the withdrawal");
        }
        Credentials account = key.credentials();
        if (!account.getAddress().equalsIgnoreCase(signedIn.address())) {
            throw new CliException(ExitCodes.NOT_SIGNED_IN, "the key is " + account.getAddress().toLowerCase(Locale.ROOT)
                    + ", but you are signed in as " + signedIn.address());
        }
        String pinned = market.pinned(server, signedIn);
        JsonNode tx = api.post("/api/me/transactions/withdraw", Map.of("token", token));
        String expected = FunctionEncoder.encode(new Function("withdraw", List.of(new Address(token)), List.of()));
        TransactionReceipt receipt;
        try (ChainSender sender = new ChainSender(rpcUrl, account, pinned)) {
            receipt = sender.send(tx, expected, BigInteger.ZERO);
        }
        String amount = Amounts.amount(credit.get().path("amount").asText(), token);
        if (main.json()) {
            System.out.println(Api.JSON.createObjectNode().put("amount", credit.get().path("amount").asText())
                    .put("token", token).put("tx", receipt.getTransactionHash()).toPrettyString());
        } else {
            System.out.println("Withdrew " + amount + " in " + receipt.getTransactionHash());
        }
        return ExitCodes.OK;
    }
}
