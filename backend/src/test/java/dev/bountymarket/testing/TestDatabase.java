package dev.bountymarket.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import dev.bountymarket.local.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh database for each test run: created on the PostgreSQL server at 127.0.0.1:5432 when one answers (and
 * dropped afterwards), else in an embedded PostgreSQL, so that runs never collide and nothing needs Docker.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    private String database;
    private EmbeddedDatabase embedded;

    @Override
    public Map<String, String> start() {
        database = "bountymarket_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        DriverManager.setLoginTimeout(3);
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", null);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/" + database,
                    "quarkus.datasource.username", "postgres", "quarkus.datasource.password", "");
        } catch (SQLException unreachable) {
            try {
                embedded = EmbeddedDatabase.start(null, database);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url", embedded.jdbcUrl(),
                    "quarkus.datasource.username", embedded.username(), "quarkus.datasource.password", "");
        }
    }

    @Override
    public void stop() {
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try (Connection connection = DriverManager.getConnection(SERVER, "postgres", null);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + database, e);
        }
    }
}
