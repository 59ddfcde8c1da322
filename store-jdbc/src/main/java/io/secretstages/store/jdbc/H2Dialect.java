package io.secretstages.store.jdbc;

import java.sql.SQLException;

/**
 * H2 2.x: {@code MERGE ... KEY} for the upsert; lock timeouts and concurrent-update errors are lost races. H2 compares
 * strings with {@link String#compareTo} unless a collation is set, so names sort in byte order as they are.
 */
final class H2Dialect extends SqlDialect {
    /** H2 error codes: CONCURRENT_UPDATE_1 (90131), LOCK_TIMEOUT_1 (50200), DEADLOCK_1 (40001). */
    private static final int CONCURRENT_UPDATE = 90131;
    private static final int LOCK_TIMEOUT = 50200;

    @Override
    public String name() {
        return "h2";
    }

    @Override
    String upsertStage(String table) {
        return "MERGE INTO " + table + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " KEY (project_id, secret_name, stage_name) VALUES (?, ?, ?, ?, ?)";
    }

    @Override
    boolean isLostRace(SQLException e) {
        return super.isLostRace(e) || e.getErrorCode() == CONCURRENT_UPDATE || e.getErrorCode() == LOCK_TIMEOUT;
    }
}
