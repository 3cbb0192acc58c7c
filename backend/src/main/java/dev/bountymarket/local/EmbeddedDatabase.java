package dev.bountymarket.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server unpacked from a Maven artifact, for machines where none is configured. */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final String database;
    private final Path dataDirectory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String database, Path dataDirectory) {
        this.postgres = postgres;
        this.database = database;
        this.dataDirectory = dataDirectory;
    }

    /**
     * Starts PostgreSQL on a free port and creates {@code database} if it does not exist.
     *
     * @param dataDirectory kept between runs when not null; a throwaway directory otherwise
     */
    public static EmbeddedDatabase start(Path dataDirectory, String database) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
        if (dataDirectory != null) {
            Files.createDirectories(dataDirectory);
            // The run command stops it once the server has stopped (LocalStack, and the watchdog if the JVM dies); the
            // library's own shutdown hook would stop it at once on Ctrl-C, while the server still releases its leases.
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false).setRegisterShutdownHook(false);
        }
        EmbeddedPostgres postgres = builder.start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE \"" + database + "\"");
            }
        } catch (SQLException e) {
            postgres.close();
            throw new IOException("could not create database " + database + ": " + e.getMessage(), e);
        }
        return new EmbeddedDatabase(postgres, database, dataDirectory);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", database);
    }

    /** The server's main process (pg_ctl starts it as a daemon), named by its lock file; empty for a throwaway one. */
    public Optional<ProcessHandle> postmaster() throws IOException {
        Path lock = dataDirectory == null ? null : dataDirectory.resolve("postmaster.pid");
        if (lock == null || !Files.exists(lock)) {
            return Optional.empty();
        }
        return Files.readAllLines(lock).stream().findFirst().flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.strip())));
    }

    public String username() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
