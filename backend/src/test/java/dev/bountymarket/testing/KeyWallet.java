package dev.bountymarket.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * A wallet for an account the test chain does not hold: a fresh key (so it starts with 0 ETH) that answers
 * {@code personal_sign} and {@code eth_signTypedData_v4} over HTTP on 127.0.0.1, as a browser wallet signs with its
 * own key. The browser tests' injected provider forwards those two requests here (harness.mjs, {@code signer}); a
 * transaction from this account would need ETH it does not have.
 */
public final class KeyWallet implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Credentials key;
    private final HttpServer server;

    public KeyWallet() throws IOException {
        try {
            key = Credentials.create(Keys.createEcKeyPair());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("making a key", e);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    public String address() {
        return key.getAddress();
    }

    /** Where the browser's wallet sends its signing requests. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void answer(HttpExchange exchange) throws IOException {
        Map<String, Object> answer;
        try {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            answer = Map.of("result", sign(request.path("method").asText(), request.path("params")));
        } catch (RuntimeException | IOException e) {
            answer = Map.of("error", Map.of("code", -32602, "message", "KeyWallet: " + e.getMessage()));
        }
        byte[] body = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private String sign(String method, JsonNode params) throws IOException {
        Sign.SignatureData signature = switch (method) {
            // personal_sign: [message as 0x hex, address]
            case "personal_sign" -> {
                requireOwnAccount(params.path(1).asText());
                yield Sign.signPrefixedMessage(Numeric.hexStringToByteArray(params.path(0).asText()), key.getEcKeyPair());
            }
            // eth_signTypedData_v4: [address, typed data as a JSON string]
            case "eth_signTypedData_v4" -> {
                requireOwnAccount(params.path(0).asText());
                yield Sign.signTypedData(params.path(1).asText(), key.getEcKeyPair());
            }
            default -> throw new IllegalArgumentException("signs only personal_sign and eth_signTypedData_v4, not " + method);
        };
        byte[] bytes = new byte[65];
        System.arraycopy(signature.getR(), 0, bytes, 0, 32);
        System.arraycopy(signature.getS(), 0, bytes, 32, 32);
        bytes[64] = signature.getV()[0];
        return Numeric.toHexString(bytes);
    }

    private void requireOwnAccount(String address) {
        if (!address.toLowerCase(Locale.ROOT).equals(key.getAddress().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("holds the key of " + key.getAddress() + ", not of " + address);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
