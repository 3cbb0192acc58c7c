package dev.bountymarket.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL server unpacked from a Maven artifact, for machines where none is configured. */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final String database;

    private EmbeddedDatabase(EmbeddedPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
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
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
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
        return new EmbeddedDatabase(postgres, database);
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", database);
    }

    public String username() {
        return "postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
