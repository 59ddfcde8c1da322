package io.secretstages.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * H2 2.x (internal): {@code MERGE ... KEY} for the stage upsert; every change in a general transaction; lock
 * timeouts and concurrent-update errors are lost races. H2 compares strings with {@link String#compareTo} unless a
 * collation is set, so names sort in byte order as they are.
 */
final class H2Statements extends DialectStatements {
    /** H2 error codes: CONCURRENT_UPDATE_1 (90131), LOCK_TIMEOUT_1 (50200), DEADLOCK_1 (40001). */
    private static final int CONCURRENT_UPDATE = 90131;
    private static final int LOCK_TIMEOUT = 50200;
    private static final String DATABASE_PATH = "SELECT DATABASE_PATH()";
    private static final String WRITE_DELAY = "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
            + " WHERE SETTING_NAME = 'WRITE_DELAY'";

    H2Statements(String prefix) {
        super(prefix, "MERGE INTO " + prefix + "stages"
                + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " KEY (project_id, secret_name, stage_name) VALUES (?, ?, ?, ?, ?)", "secret_name", "project_id",
                "LISTAGG(t.stage_name, ',')", List.of());
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.H2;
    }

    /**
     * A database with a file (not {@code mem:}) and a {@code WRITE_DELAY} above 0 acknowledges commits that only
     * reach the file later: a process crash loses them (issue 12 measured it).
     */
    @Override
    String durabilityProblem(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            String path;
            try (ResultSet rs = st.executeQuery(DATABASE_PATH)) {
                path = rs.next() ? rs.getString(1) : null;
            }
            if (path == null) {
                return null; // in memory: nothing to keep
            }
            try (ResultSet rs = st.executeQuery(WRITE_DELAY)) {
                int delay = rs.next() ? Integer.parseInt(rs.getString(1).trim()) : 0;
                return delay <= 0 ? null : "the H2 file database acknowledges a commit up to " + delay + " ms before"
                        + " it writes it (WRITE_DELAY=" + delay + "): a crash of the process loses those commits;"
                        + " add ;WRITE_DELAY=0 to its URL (DurableJdbcUrl.of does)";
            }
        }
    }

    @Override
    List<String> durabilityChecks() {
        return List.of(DATABASE_PATH, WRITE_DELAY);
    }

    /**
     * H2 keeps the query timeout on the session: {@code JdbcStatement.setQueryTimeout} calls
     * {@code JdbcConnection.setQueryTimeout}, which runs {@code SET QUERY_TIMEOUT ?} and caches the value, and
     * {@code getQueryTimeout} returns that cache (one query on a connection's first call, none after). Every
     * {@code SET} bumps the database's modification id ({@code org.h2.command.dml.Set#update}), which empties the
     * parsed-statement cache of every session ({@code SessionLocal#prepareLocal}): setting it on each statement made
     * H2 parse every statement again. The store therefore sets it only when the session's differs, and leaves it on
     * the session (putting it back would be a second {@code SET}): the next borrower of a pooled connection inherits
     * it unless it sets its own. A wait for a row lock is not bounded by it in H2 but by {@code LOCK_TIMEOUT}
     * (2 s unless the URL or {@code SET LOCK_TIMEOUT} says otherwise), a lost race here.
     *
     * @return true
     */
    @Override
    boolean queryTimeoutIsSessionSetting() {
        return true;
    }

    @Override
    boolean isLostRace(SQLException e) {
        return super.isLostRace(e) || e.getErrorCode() == CONCURRENT_UPDATE || e.getErrorCode() == LOCK_TIMEOUT;
    }
}
