package io.secretstages.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SQLite 3.35 or later through xerial's sqlite-jdbc (internal): {@code INSERT ... ON CONFLICT} for the stage
 * upsert; every change in a general transaction; {@code SQLITE_BUSY} and {@code SQLITE_LOCKED} (another writer held
 * the database past the busy timeout) are lost races, retried by the manager. Names compare with SQLite's default
 * {@code BINARY} collation, byte order. The database must be in WAL mode with {@code synchronous=FULL} and foreign
 * keys on ({@link DurableJdbcUrl#of} sets all three in the URL); {@link JdbcStageRepository.Builder#build()} checks
 * it.
 */
final class SqliteStatements extends DialectStatements {
    /** SQLite result codes: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT (primary and extended). */
    private static final int BUSY = 5;
    private static final int LOCKED = 6;
    private static final int CONSTRAINT = 19;
    /** PRAGMA synchronous: 2 is FULL, 3 EXTRA. */
    private static final int FULL = 2;
    private static final String DATABASE_LIST = "PRAGMA database_list";
    private static final List<String> PRAGMAS = List.of("foreign_keys", "journal_mode", "synchronous");

    SqliteStatements(String prefix) {
        super(prefix, "INSERT INTO " + prefix + "stages"
                + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = excluded.version_number, update_time = excluded.update_time",
                "secret_name", "project_id", "group_concat(t.stage_name, ',')", List.of());
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.SQLITE;
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return (e.getErrorCode() & 0xff) == CONSTRAINT && message.contains("UNIQUE constraint failed");
    }

    @Override
    boolean isLostRace(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == BUSY || code == LOCKED;
    }

    @Override
    String durabilityProblem(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (!pragma(st, "foreign_keys").equals("1")) {
                return "the SQLite connection has foreign keys off: open it with foreign_keys=true"
                        + " (DurableJdbcUrl.of does)";
            }
            String file = "";
            try (ResultSet rs = st.executeQuery(DATABASE_LIST)) {
                while (rs.next()) {
                    if ("main".equals(rs.getString(2))) {
                        file = rs.getString(3) == null ? "" : rs.getString(3);
                    }
                }
            }
            if (file.isEmpty()) {
                return null; // in memory or temporary: nothing to keep
            }
            String journal = pragma(st, "journal_mode").toLowerCase(Locale.ROOT);
            int synchronous = Integer.parseInt(pragma(st, "synchronous"));
            if (!journal.equals("wal") || synchronous < FULL) {
                return "the SQLite database has journal_mode=" + journal + " and synchronous=" + synchronous
                        + ": open it with journal_mode=WAL and synchronous=FULL (DurableJdbcUrl.of does)";
            }
            return null;
        }
    }

    @Override
    List<String> durabilityChecks() {
        List<String> out = new ArrayList<>(List.of(DATABASE_LIST));
        PRAGMAS.forEach(p -> out.add("PRAGMA " + p));
        return out;
    }

    private static String pragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }
}
