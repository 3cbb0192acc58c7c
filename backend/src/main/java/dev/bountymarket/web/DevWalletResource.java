package dev.bountymarket.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.ChainConfig;

/**
 * The dev wallet's half on the server (see {@link DevWallet}): the accounts, and a JSON-RPC pass-through to the local
 * chain for the few methods a wallet needs. Signing methods are accepted only for the offered accounts, so the
 * keeper's account cannot be used from a browser, and only from this site's own pages (their Origin). On any chain but
 * the local dev chain every path here is 404.
 */
@Path("/api/dev-wallet")
@Produces(MediaType.APPLICATION_JSON)
public class DevWalletResource {

    private static final Set<String> READS = Set.of("eth_chainId", "eth_blockNumber", "eth_getTransactionReceipt",
            "eth_getTransactionByHash", "eth_call", "eth_estimateGas", "eth_getBalance", "eth_getBlockByNumber");
    private static final Set<String> SIGNS = Set.of("eth_sendTransaction", "personal_sign");

    @Inject
    DevWallet wallet;

    @Inject
    ChainConfig config;

    @Inject
    CurrentUser currentUser;

    @Inject
    ObjectMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Accounts(long chainId, List<String> accounts) {
    }

    public record RpcRequest(String method, JsonNode params) {
    }

    @GET
    @Path("/accounts")
    public Accounts accounts() {
        requireAvailable();
        return new Accounts(DevWallet.DEV_CHAIN_ID, wallet.accounts());
    }

    /** One JSON-RPC call; the answer is the chain's own {result} or {error}. */
    @POST
    @Path("/rpc")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rpc(RpcRequest request) {
        requireAvailable();
        // Only this site's pages: anvil signs for these accounts, so nothing else may ask, not even a local program.
        currentUser.requireOwnPage();
        if (request == null || request.method() == null) {
            return badRequest("send {method, params}");
        }
        JsonNode params = request.params() == null ? json.createArrayNode() : request.params();
        if (SIGNS.contains(request.method())) {
            String signer = request.method().equals("personal_sign") ? params.path(1).asText(null)
                    : params.path(0).path("from").asText(null);
            if (!wallet.owns(signer)) {
                return badRequest("the dev wallet signs only for its accounts " + wallet.accounts() + ", not " + signer);
            }
        } else if (!READS.contains(request.method())) {
            return badRequest("the dev wallet does not forward " + request.method());
        }
        ObjectNode call = json.createObjectNode().put("jsonrpc", "2.0").put("id", 1).put("method", request.method());
        call.set("params", params);
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(config.rpcUrl()))
                    .timeout(config.rpcTimeout()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(call))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Response.ok(answer.body(), MediaType.APPLICATION_JSON).build();
        } catch (IOException e) {
            return Response.status(Response.Status.BAD_GATEWAY)
                    .entity(new ApiError("CHAIN_UNREACHABLE", "the local chain did not answer: " + e.getMessage())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void requireAvailable() {
        if (!wallet.available()) {
            throw new NotFoundException("There is no dev wallet: it exists only on the run command's local chain (31337)");
        }
    }

    private static Response badRequest(String message) {
        return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("code", "INVALID_REQUEST", "message", message))
                .build();
    }
}
