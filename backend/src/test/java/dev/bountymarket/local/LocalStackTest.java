package dev.bountymarket.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** A wrong setting stops the run command with one line that names the setting. */
class LocalStackTest {

    @TempDir
    Path home;

    @AfterEach
    void clearSettings() {
        System.clearProperty("quarkus.http.port");
        System.clearProperty("quarkus.datasource.jdbc.url");
        System.clearProperty("quarkus.http.host");
    }

    @Test
    void start_listensOnLoopbackUnlessAHostIsSet() {
        LocalStack.listenLocallyByDefault();
        assertEquals("127.0.0.1", System.getProperty("quarkus.http.host"));

        System.setProperty("quarkus.http.host", "0.0.0.0");
        LocalStack.listenLocallyByDefault();
        assertEquals("0.0.0.0", System.getProperty("quarkus.http.host"));
    }

    @Test
    void start_namesHttpPortIfPortInUse() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("0.0.0.0", 0));
            System.setProperty("quarkus.http.port", Integer.toString(busy.getLocalPort()));

            var e = assertThrows(LocalStack.BadSetting.class, () -> new LocalStack(home).start());

            assertEquals("Port " + busy.getLocalPort() + " is in use: stop what listens there or set QUARKUS_HTTP_PORT.",
                    e.getMessage());
        }
    }

    @Test
    void start_namesDatasourceIfDatabaseUnreachable() throws Exception {
        System.setProperty("quarkus.http.port", Integer.toString(freePort()));
        System.setProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + freePort() + "/nowhere");

        var e = assertThrows(LocalStack.BadSetting.class, () -> new LocalStack(home).start());

        assertTrue(e.getMessage().startsWith("Cannot connect to the database at jdbc:postgresql://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("(QUARKUS_DATASOURCE_JDBC_URL)"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void start_namesRpcUrlIfEndpointIsNotAChain() throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", exchange -> {
            byte[] page = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        web.start();
        try {
            String url = "http://127.0.0.1:" + web.getAddress().getPort();

            var e = assertThrows(LocalStack.BadSetting.class, () -> LocalStack.checkChain(url));

            assertEquals(url + " (CHAIN_RPC_URL) is not an Ethereum JSON-RPC endpoint: eth_chainId answered <html>hello</html>",
                    e.getMessage());
        } finally {
            web.stop(0);
        }
    }

    @Test
    void start_namesRpcUrlIfNothingListens() throws Exception {
        String url = "http://127.0.0.1:" + freePort();

        var e = assertThrows(LocalStack.BadSetting.class, () -> LocalStack.checkChain(url));

        assertTrue(e.getMessage().startsWith("Cannot reach the chain at http://127.0.0.1:"), e.getMessage());
        assertTrue(e.getMessage().contains("(CHAIN_RPC_URL)"), e.getMessage());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
