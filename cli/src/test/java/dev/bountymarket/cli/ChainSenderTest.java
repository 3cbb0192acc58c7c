package dev.bountymarket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

/**
 * A server that prepares a transaction to another address, or with another value, than the user's command pays: the
 * sender refuses before it asks the chain anything, so nothing is signed or sent. (CliIT does the same against the
 * real server and anvil, and checks the key's nonce.)
 */
class ChainSenderTest {
    private static final String MARKET = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String THIEF = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    private static final String DATA = "0xf3fef3a3";

    private HttpServer rpc;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A JSON-RPC endpoint that records every call; any call at all is a failure of these tests. */
    @BeforeEach
    void rpc() throws IOException {
        rpc = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rpc.createContext("/", exchange -> {
            calls.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"not here\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        rpc.start();
    }

    @AfterEach
    void stop() {
        rpc.stop(0);
    }

    private ChainSender sender() {
        return new ChainSender("http://127.0.0.1:" + rpc.getAddress().getPort(), Credentials.create(
                "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), MARKET);
    }

    private static ObjectNode tx(String to, String value) {
        return Api.JSON.createObjectNode().put("chainId", "31337").put("to", to).put("data", DATA).put("value", value);
    }

    @Test
    void send_refusesAnotherRecipient() {
        try (ChainSender sender = sender()) {
            CliException refused = assertThrows(CliException.class, () -> sender.send(tx(THIEF, "1000"), DATA,
                    BigInteger.valueOf(1000)));
            assertEquals(ExitCodes.REMOTE, refused.exitCode());
            assertTrue(refused.getMessage().contains(THIEF) && refused.getMessage().contains(MARKET)
                    && refused.getMessage().contains("login --market"), refused.getMessage());
        }
        assertEquals(List.of(), calls, "nothing asked of the chain, let alone sent");
    }

    @Test
    void send_refusesAMissingRecipient() {
        ObjectNode tx = tx(MARKET, "0");
        tx.remove("to");
        try (ChainSender sender = sender()) {
            assertThrows(CliException.class, () -> sender.send(tx, DATA, BigInteger.ZERO));
        }
        assertEquals(List.of(), calls);
    }

    @Test
    void send_refusesAnotherValue() {
        try (ChainSender sender = sender()) {
            CliException more = assertThrows(CliException.class, () -> sender.send(tx(MARKET, "1000000000000000000"),
                    DATA, BigInteger.ZERO));
            assertEquals(ExitCodes.REMOTE, more.exitCode());
            assertTrue(more.getMessage().contains("sends 1000000000000000000 wei") && more.getMessage().contains(
                    "pays 0 wei"), more.getMessage());
            assertThrows(CliException.class, () -> sender.send(tx(MARKET, "0x10"), DATA, BigInteger.valueOf(16)));
        }
        assertEquals(List.of(), calls);
    }

    @Test
    void send_goesToTheChainOnlyWhenEverythingMatches() {
        try (ChainSender sender = sender()) {
            // The market's address in other letter cases is the same address: on to the chain, which answers nothing.
            assertThrows(CliException.class, () -> sender.send(tx(MARKET.toUpperCase().replace("0X", "0x"), "5"), DATA,
                    BigInteger.valueOf(5)));
        }
        assertTrue(calls.get(0).contains("eth_chainId"), calls.toString());
    }
}
