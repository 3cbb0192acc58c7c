package dev.bountymarket.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the run command starts around the server: the database and the chain, each only when the user has not
 * configured one, and checks of what the user did configure, so that a wrong setting stops start-up with one line
 * that names it instead of a stack trace.
 */
public final class LocalStack implements AutoCloseable {

    static final int DEFAULT_HTTP_PORT = 8080;
    /** The local chain's port: fixed, so that a wallet's network settings keep working across runs. */
    static final int DEFAULT_CHAIN_PORT = 8545;

    private final Path home;
    private ChildProcesses processes;
    private EmbeddedDatabase database;
    private Anvil anvil;

    public LocalStack(Path home) {
        // Absolute, as it appears in the command lines of what is started here, by which leftovers are recognised.
        this.home = home.toAbsolutePath();
    }

    /** Thrown for a setting that cannot work; its message is the one line the user reads. */
    public static final class BadSetting extends RuntimeException {
        public BadSetting(String message) {
            super(message);
        }
    }

    /**
     * Checks the user's settings, starts what is missing, and publishes the resulting settings as system properties
     * for Quarkus to read.
     */
    public void start() {
        // First, as a leftover anvil holds the chain's port and a leftover PostgreSQL the data directory. Logging is
        // not set up yet: the one line goes to stderr, like Main's.
        processes = ChildProcesses.start(home, System.err::println);
        listenLocallyByDefault();
        int httpPort = setting("quarkus.http.port", "QUARKUS_HTTP_PORT").map(LocalStack::parsePort).orElse(DEFAULT_HTTP_PORT);
        requireFreePort(httpPort, "Port " + httpPort + " is in use: stop what listens there or set QUARKUS_HTTP_PORT.");

        Optional<String> jdbcUrl = setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL");
        if (jdbcUrl.isPresent()) {
            checkDatabase(jdbcUrl.get());
        } else {
            try {
                database = EmbeddedDatabase.start(home.resolve("postgres"), "bountymarket");
                // SIGINT: PostgreSQL's fast shutdown, which does not wait for clients.
                database.postmaster().ifPresent(p -> processes.register("postgres", p, "INT"));
            } catch (IOException e) {
                throw new BadSetting("Could not start the embedded PostgreSQL in " + home.resolve("postgres")
                        + " (" + e.getMessage() + "); set QUARKUS_DATASOURCE_JDBC_URL to use another database.");
            }
            System.setProperty("quarkus.datasource.jdbc.url", database.jdbcUrl());
            System.setProperty("quarkus.datasource.username", database.username());
        }

        if (setting("storage.directory", "STORAGE_DIRECTORY").isEmpty()) {
            System.setProperty("storage.directory", home.resolve("storage").toString());
        }

        // With several providers (CHAIN_RPC_URLS) the first is checked: the server fails over among them itself.
        Optional<String> rpcUrl = setting("chain.rpc-urls", "CHAIN_RPC_URLS").map(urls -> urls.split(",")[0].strip())
                .or(() -> setting("chain.rpc-url", "CHAIN_RPC_URL"));
        if (rpcUrl.isPresent()) {
            checkChain(rpcUrl.get());
        } else {
            int chainPort = Integer.getInteger("local-stack.chain-port", DEFAULT_CHAIN_PORT);
            requireFreePort(chainPort, "Port " + chainPort + " for the local chain is in use (another"
                    + " anvil?): stop it, or set CHAIN_RPC_URL to use that chain.");
            try {
                anvil = Anvil.start(chainPort, home.resolve("anvil-state.json"), home.resolve("anvil.log"));
                // The npm package's anvil is a node script running the real binary as its child: both are guarded.
                processes.register("anvil", anvil.process(), "TERM");
                anvil.process().descendants().forEach(p -> processes.register("anvil", p, "TERM"));
            } catch (IOException | IllegalStateException e) {
                throw new BadSetting("Could not start the local chain: " + e.getMessage());
            }
            System.setProperty("chain.rpc-url", anvil.rpcUrl());
            // A loopback chain this command started holds no secret: wallets on this machine may be given it.
            if (setting("web.public-rpc-url", "WEB_PUBLIC_RPC_URL").isEmpty()) {
                System.setProperty("web.public-rpc-url", anvil.rpcUrl());
            }
            // The local chain's first funded account deploys the contract; it is public knowledge, never use it elsewhere.
            System.setProperty("chain.deployer-key", DevAccounts.account(0).getEcKeyPair().getPrivateKey().toString(16));
            System.setProperty("chain.auto-deploy", "true");
            if (setting("keeper.private-key", "KEEPER_PRIVATE_KEY").isEmpty()) {
                System.setProperty("keeper.private-key",
                        DevAccounts.account(DevAccounts.KEEPER).getEcKeyPair().getPrivateKey().toString(16));
            }
            System.setProperty("chain.dev-accounts", "true");
            // A fresh local chain gets demo bounties, so that a newcomer sees a live leaderboard at once.
            if (setting("demo.enabled", "DEMO_ENABLED").isEmpty()) {
                System.setProperty("demo.enabled", "true");
            }
        }
    }

    /**
     * The run command serves this machine only, unless told otherwise (QUARKUS_HTTP_HOST=0.0.0.0): its dev wallet
     * signs with the local chain's unlocked accounts.
     */
    static void listenLocallyByDefault() {
        if (setting("quarkus.http.host", "QUARKUS_HTTP_HOST").isEmpty()) {
            System.setProperty("quarkus.http.host", "127.0.0.1");
        }
    }

    private static Optional<String> setting(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadSetting("QUARKUS_HTTP_PORT must be a port number, not '" + value + "'.");
        }
    }

    private static void requireFreePort(int port, String message) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
        } catch (IOException e) {
            throw new BadSetting(message);
        }
    }

    private static void checkDatabase(String jdbcUrl) {
        String user = setting("quarkus.datasource.username", "QUARKUS_DATASOURCE_USERNAME").orElse(null);
        String password = setting("quarkus.datasource.password", "QUARKUS_DATASOURCE_PASSWORD").orElse(null);
        DriverManager.setLoginTimeout(5);
        try (var connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            connection.isValid(5);
        } catch (SQLException e) {
            throw new BadSetting("Cannot connect to the database at " + jdbcUrl + " (QUARKUS_DATASOURCE_JDBC_URL): "
                    + firstLine(e.getMessage()));
        }
    }

    static void checkChain(String rpcUrl) {
        String answer;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                    .build();
            answer = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | IllegalArgumentException e) {
            throw new BadSetting("Cannot reach the chain at " + rpcUrl + " (CHAIN_RPC_URL): " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadSetting("Interrupted while checking CHAIN_RPC_URL");
        }
        if (!answer.matches("(?s).*\"result\"\\s*:\\s*\"0x[0-9a-fA-F]+\".*")) {
            throw new BadSetting(rpcUrl + " (CHAIN_RPC_URL) is not an Ethereum JSON-RPC endpoint: eth_chainId answered "
                    + firstLine(answer.length() > 120 ? answer.substring(0, 120) + "..." : answer));
        }
    }

    /** Some network exceptions carry no message (a refused connection): their type then says what happened. */
    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** Stops what {@link #start()} started; anvil first so that it dumps its state while the disk is sure to be there. */
    @Override
    public synchronized void close() {
        if (anvil != null) {
            anvil.close();
            anvil = null;
        }
        if (database != null) {
            try {
                database.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                database = null;
            }
        }
        // Last: should this stop be cut short, the watchdog and the next start still know what to stop.
        if (processes != null) {
            processes.close();
            processes = null;
        }
    }
}
