package io.secretstages.store.jdbc;

/** PostgreSQL: {@code INSERT ... ON CONFLICT} for the upsert; an advisory lock serialises schema creation. */
final class PostgresDialect extends SqlDialect {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    String upsertStage(String table) {
        return "INSERT INTO " + table + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time";
    }

    @Override
    String schemaLock() {
        return "SELECT pg_advisory_xact_lock(7512938471)";
    }
}
