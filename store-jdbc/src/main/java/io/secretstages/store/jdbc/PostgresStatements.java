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
    /**
     * A new version under the revision check: the secret row (revision bump, last version, deletion time,
     * description), the version row, the stage moves and the versions removed at the limit (R15). Parameters:
     * last version, deletion time, description, project, secret, expected revision; version number, create time,
     * is-string, value, client token, expire time; detached stage names; attached stage names, version numbers,
     * update times; removed version numbers. Returns one row: 1 if the revision held, else 0 (and nothing changed).
     */
    final String putVersion;
    /**
     * A new secret with its first version and stages, unless the secret exists. Parameters: project, secret, last
     * version, create time, description, revision; version number, create time, is-string, value, client token,
     * expire time; attached stage names, version numbers, update times. Returns one row: 1 if created, 0 if the
     * secret existed.
     */
    final String createSecret;

    PostgresStatements(String prefix) {
        super(prefix, "INSERT INTO " + prefix + "stages"
                + " (project_id, secret_name, stage_name, version_number, update_time)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time",
                "secret_name COLLATE \"C\"", "project_id COLLATE \"C\"", "string_agg(t.stage_name, ',')",
                List.of(SCHEMA_LOCK));
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
        // Every part selects from the revision check's row (or the new secret's): no row there, nothing written.
        // Keys are checked at the end of the statement, so the parts may reference each other's rows.
        String versionColumns = " (project_id, secret_name, version_number, create_time, is_string, secret_value,"
                + " client_token, expire_time)";
        String stageColumns = " (project_id, secret_name, stage_name, version_number, update_time)";
        String upsertStages = " ON CONFLICT (project_id, secret_name, stage_name)"
                + " DO UPDATE SET version_number = EXCLUDED.version_number, update_time = EXCLUDED.update_time";
        putVersion = "WITH cas AS (UPDATE " + secrets + " SET revision = revision + 1, last_version = ?,"
                + " deletion_time = ?, description = ?"
                + " WHERE project_id = ? AND secret_name = ? AND revision = ? RETURNING project_id, secret_name),"
                + " ver AS (INSERT INTO " + versions + versionColumns
                + " SELECT cas.project_id, cas.secret_name, ?, ?, ?, ?, ?, ? FROM cas),"
                + " det AS (DELETE FROM " + stages + " t USING cas WHERE t.project_id = cas.project_id"
                + " AND t.secret_name = cas.secret_name AND t.stage_name = ANY(?::varchar[])),"
                + " att AS (INSERT INTO " + stages + stageColumns
                + " SELECT cas.project_id, cas.secret_name, t.stage_name, t.version_number, t.update_time"
                + " FROM cas, unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS t(stage_name, version_number, update_time)"
                + upsertStages + "),"
                + " rem AS (DELETE FROM " + versions + " v USING cas WHERE v.project_id = cas.project_id"
                + " AND v.secret_name = cas.secret_name AND v.version_number = ANY(?::bigint[]))"
                + " SELECT count(*) FROM cas";
        createSecret = "WITH sec AS (INSERT INTO " + secrets
                + " (project_id, secret_name, last_version, create_time, description, revision)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, secret_name) DO NOTHING"
                + " RETURNING project_id, secret_name),"
                + " ver AS (INSERT INTO " + versions + versionColumns
                + " SELECT sec.project_id, sec.secret_name, ?, ?, ?, ?, ?, ? FROM sec),"
                + " att AS (INSERT INTO " + stages + stageColumns
                + " SELECT sec.project_id, sec.secret_name, t.stage_name, t.version_number, t.update_time"
                + " FROM sec, unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS t(stage_name, version_number, update_time))"
                + " SELECT count(*) FROM sec";
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }

    @Override
    ChangeWriter writer(TransactionalWrites general) {
        return new OneStatementWrites(this, general.tx(), general);
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
