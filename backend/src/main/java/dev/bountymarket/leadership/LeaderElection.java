package dev.bountymarket.leadership;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

public final class LeaderElection {

    public LeaderElection(String role, String holder, Duration lease) {
    }

    public OptionalLong lead(Connection connection) throws SQLException {
        return OptionalLong.empty();
    }

    public void release(Connection connection) throws SQLException {
    }

    public boolean holds(Connection connection, long term) throws SQLException {
        return false;
    }
}
