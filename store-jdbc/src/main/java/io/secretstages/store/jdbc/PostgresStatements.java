package io.secretstages.store.jdbc;

import java.sql.Connection;
import java.util.List;

/**
 * PostgreSQL 12 or later (internal): {@code INSERT ... ON CONFLICT} for the stage upsert; names in the {@code "C"}
 * collation for byte order; an advisory lock serialises schema creation; no durability check (the server's
 * settings are the operator's). It can write some changes in one statement: a data-modifying CTE does the revision
 * check and the rows together ({@link OneStatementWrites}).
 */
final class PostgresStatements extends DialectStatements {
    private static final String SCHEMA_LOCK = "SELECT pg_advisory_xact_lock(7512938471)";

    /**
     * Attaches stages under the revision check. Parameters: project, secret, expected revision, stage names,
     * version numbers, update times (arrays).
     */
    final String attachStages;
    /** Detaches stages under the revision check. Parameters: project, secret, expected revision, stage names. */
    final String detachStages;

    PostgresStatements(String prefix) {
        super(prefix, "INSERT INTO " + prefix + "stages"
                + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time",
                "secret_name COLLATE \"C\"");
        String cas = "WITH cas AS (UPDATE " + secrets + " SET revision = revision + 1"
                + " WHERE project_id = ? AND secret_name = ? AND revision = ? RETURNING project_id, secret_name) ";
        attachStages = cas
                + "INSERT INTO " + stages + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " SELECT cas.project_id, cas.secret_name, t.stage_name, t.version_number, t.update_time"
                + " FROM cas, unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS t(stage_name, version_number, update_time)"
                + " ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time";
        detachStages = cas
                + "DELETE FROM " + stages + " t USING cas WHERE t.project_id = cas.project_id"
                + " AND t.secret_name = cas.secret_name AND t.stage_name = ANY(?::varchar[])";
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    ChangeWriter writer(JdbcTransactions tx) {
        return new OneStatementWrites(this, tx, new TransactionalWrites(this, tx));
    }

    @Override
    List<String> schemaPreamble() {
        return List.of(SCHEMA_LOCK);
    }

    @Override
    String durabilityProblem(Connection c) {
        return null;
    }

    @Override
    List<String> durabilityChecks() {
        return List.of();
    }
}
