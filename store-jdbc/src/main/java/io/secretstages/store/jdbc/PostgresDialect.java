package io.secretstages.store.jdbc;

/**
 * PostgreSQL: {@code INSERT ... ON CONFLICT} for the upsert; a stage move or a stage delete is one statement (a
 * data-modifying CTE does the revision check and the stage rows at once); an advisory lock serialises schema
 * creation.
 */
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

    private static String cas(String secrets) {
        return "WITH cas AS (UPDATE " + secrets + " SET revision = revision + 1"
                + " WHERE project_id = ? AND secret_name = ? AND revision = ? RETURNING project_id, secret_name) ";
    }

    @Override
    String attachStagesInOneStatement(String secrets, String stages) {
        return cas(secrets)
                + "INSERT INTO " + stages + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " SELECT cas.project_id, cas.secret_name, t.stage_name, t.version_number, t.update_time"
                + " FROM cas, unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS t(stage_name, version_number, update_time)"
                + " ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time";
    }

    @Override
    String detachStagesInOneStatement(String secrets, String stages) {
        return cas(secrets)
                + "DELETE FROM " + stages + " t USING cas WHERE t.project_id = cas.project_id"
                + " AND t.secret_name = cas.secret_name AND t.stage_name = ANY(?::varchar[])";
    }

    @Override
    String byteOrder(String column) {
        return column + " COLLATE \"C\"";
    }

    @Override
    String schemaLock() {
        return "SELECT pg_advisory_xact_lock(7512938471)";
    }
}
