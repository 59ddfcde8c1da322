package io.secretstages.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Every SQL statement the store sends to one database, built once from the table prefix (validated), and what else
 * differs between databases: how an error says "lost a race" or "exists already", the durability check, and how
 * changes are written ({@link #writer}). Internal: one final subclass per {@link SqlDialect}, not an extension
 * point. All statements are constant prepared statements: no input ever becomes SQL text.
 */
abstract class DialectStatements {
    final String secrets;
    final String versions;
    final String stages;

    final String loadSecret;
    final String loadVersion;
    final String loadValue;
    final String loadStage;
    final String insertSecret;
    final String casSecret;
    final String insertVersion;
    final String updateExpireTime;
    final String upsertStage;
    final String deleteStage;
    final String deleteVersion;
    final String deleteAllStages;
    final String deleteAllVersions;
    final String deleteSecret;
    final String rewriteValue;
    final String listSecrets;
    final String listDeletionsDue;
    final String listProjects;
    private final List<String> schemaPreamble;

    /**
     * @param prefix the table prefix
     * @param upsertStage this database's insert-or-update of one stage row (its own syntax), for the table
     *                    {@code prefix + "stages"}; parameters: project, secret, stage, version number, update time
     * @param byteOrderName the {@code secret_name} column as an expression that compares and sorts in byte order
     *                      ({@link String#compareTo} for the ASCII names R2 allows), for listing
     * @param byteOrderProject the {@code project_id} column likewise, for listing projects
     * @param stageNameList this database's aggregate of the column {@code t.stage_name} into one string of the names
     *                      separated by commas (which R3 keeps out of names), in any order
     * @param schemaPreamble the statements run first in the schema transaction, in order (none: empty)
     */
    DialectStatements(String prefix, String upsertStage, String byteOrderName, String byteOrderProject,
                      String stageNameList, List<String> schemaPreamble) {
        this.schemaPreamble = List.copyOf(schemaPreamble);
        secrets = prefix + "secrets";
        versions = prefix + "versions";
        stages = prefix + "stages";
        String key = "project_id = ? AND secret_name = ?";
        // One query returns the secret row, its versions, and the stages each version holds.
        String snapshotColumns = "s.revision, s.last_version, v.version_number, v.create_time, t.stage_name,"
                + " t.update_time, v.client_token, s.create_time, s.deletion_time, v.expire_time, s.description";
        String snapshotJoins = " FROM " + secrets + " s"
                + " LEFT JOIN " + versions + " v ON v.project_id = s.project_id AND v.secret_name = s.secret_name"
                + " LEFT JOIN " + stages + " t ON t.project_id = v.project_id AND t.secret_name = v.secret_name"
                + " AND t.version_number = v.version_number";
        loadSecret = "SELECT " + snapshotColumns + snapshotJoins
                + " WHERE s.project_id = ? AND s.secret_name = ?"
                + " ORDER BY v.version_number";
        // One row (none if the secret does not exist): the secret's own columns, the one version read (by number,
        // else the holder of a stage; NULLs if none) with its value, and the names of the stages it holds.
        loadVersion = "SELECT s.revision, COALESCE(s.create_time, (SELECT MIN(m.create_time) FROM " + versions + " m"
                + " WHERE m.project_id = s.project_id AND m.secret_name = s.secret_name)), s.deletion_time,"
                + " s.description, v.version_number, v.create_time, v.client_token, v.expire_time, v.is_string,"
                + " v.secret_value, (SELECT " + stageNameList + " FROM " + stages + " t"
                + " WHERE t.project_id = v.project_id AND t.secret_name = v.secret_name"
                + " AND t.version_number = v.version_number)"
                + " FROM " + secrets + " s"
                + " LEFT JOIN " + stages + " h ON h.project_id = s.project_id AND h.secret_name = s.secret_name"
                + " AND h.stage_name = ?"
                + " LEFT JOIN " + versions + " v ON v.project_id = s.project_id AND v.secret_name = s.secret_name"
                + " AND v.version_number = COALESCE(CAST(? AS BIGINT), h.version_number)"
                + " WHERE s.project_id = ? AND s.secret_name = ?";
        // One row: the secret's key (present iff the secret exists) and the stage, if held.
        loadStage = "SELECT t.version_number, t.update_time, s.deletion_time FROM " + secrets + " s"
                + " LEFT JOIN " + stages + " t ON t.project_id = s.project_id AND t.secret_name = s.secret_name"
                + " AND t.stage_name = ?"
                + " WHERE s.project_id = ? AND s.secret_name = ?";
        // the version's creation time tells the snapshot's version from one of a secret created again since
        loadValue = "SELECT is_string, secret_value FROM " + versions + " WHERE " + key + " AND version_number = ?"
                + " AND create_time = ?";
        insertSecret = "INSERT INTO " + secrets
                + " (project_id, secret_name, last_version, create_time, description, revision)"
                + " VALUES (?, ?, ?, ?, ?, ?)";
        casSecret = "UPDATE " + secrets + " SET revision = revision + 1, last_version = ?, deletion_time = ?,"
                + " description = ? WHERE " + key + " AND revision = ?";
        rewriteValue = "UPDATE " + versions + " SET is_string = ?, secret_value = ? WHERE " + key
                + " AND version_number = ?";
        insertVersion = "INSERT INTO " + versions
                + " (project_id, secret_name, version_number, create_time, is_string, secret_value, client_token,"
                + " expire_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        updateExpireTime = "UPDATE " + versions + " SET expire_time = ? WHERE " + key + " AND version_number = ?";
        this.upsertStage = upsertStage;
        deleteStage = "DELETE FROM " + stages + " WHERE " + key + " AND stage_name = ?";
        deleteVersion = "DELETE FROM " + versions + " WHERE " + key + " AND version_number = ?";
        deleteAllStages = "DELETE FROM " + stages + " WHERE " + key;
        deleteAllVersions = "DELETE FROM " + versions + " WHERE " + key;
        deleteSecret = "DELETE FROM " + secrets + " WHERE " + key;
        listSecrets = "SELECT secret_name, revision, create_time, deletion_time, description FROM " + secrets
                + " WHERE project_id = ? AND " + byteOrderName + " > ? AND (deletion_time IS NULL OR deletion_time > ?)"
                + " ORDER BY " + byteOrderName + " LIMIT ?";
        listDeletionsDue = "SELECT project_id, secret_name, revision, create_time, deletion_time, description FROM "
                + secrets + " WHERE deletion_time <= ? ORDER BY deletion_time LIMIT ?";
        // The primary key (project_id, secret_name) orders the rows: the scan stops after LIMIT distinct projects.
        listProjects = "SELECT DISTINCT " + byteOrderProject + " FROM " + secrets + " WHERE " + byteOrderProject
                + " > ? ORDER BY " + byteOrderProject + " LIMIT ?";
    }

    /** @return the dialect these statements are for */
    abstract SqlDialect dialect();

    /**
     * How this database applies changes: each in one general transaction ({@link TransactionalWrites}), unless the
     * dialect can do some shapes in one statement (PostgreSQL overrides this).
     *
     * @param general the general transactions, over the store's transaction template
     * @return the writer
     */
    ChangeWriter writer(TransactionalWrites general) {
        return general;
    }

    /**
     * @return the statements run first in the schema transaction (to serialise concurrent initialisation), in
     *         order; empty if the database needs none
     */
    List<String> schemaPreamble() {
        return schemaPreamble;
    }

    /**
     * Checks, at start-up, whether the database behind a connection can lose a commit it acknowledged when the
     * process crashes (or, for SQLite, is set up without its foreign keys).
     *
     * @param c a connection of the store's data source
     * @return what is wrong and how to fix it, or null if nothing is
     * @throws SQLException if the check cannot be made
     */
    abstract String durabilityProblem(Connection c) throws SQLException;

    /** @return every statement {@link #durabilityProblem} sends (constants, like all the store's SQL) */
    abstract List<String> durabilityChecks();

    /**
     * Whether this database's driver keeps the query timeout ({@link java.sql.Statement#setQueryTimeout}) on the
     * session rather than on the one statement, and reports the session's value from
     * {@link java.sql.Statement#getQueryTimeout} without a round trip. If so, the store sets it only on a session
     * whose timeout differs from the store's (once per pooled connection), and every statement still runs with it;
     * if not (the default: PostgreSQL's and SQLite's drivers time each statement themselves, cheaply), it sets it on
     * every statement.
     *
     * @return false: the timeout is set on every statement
     */
    boolean queryTimeoutIsSessionSetting() {
        return false;
    }

    /** @return whether the error is a unique-key violation (SQLState 23505 in H2 and PostgreSQL) */
    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** @return whether the error means another transaction won a race (serialization failure, deadlock) */
    boolean isLostRace(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }
}
