package io.secretstages.store.jdbc;

/**
 * Every SQL statement the store sends, built once from the table prefix (validated) and the dialect. All are
 * constant prepared statements: no input ever becomes SQL text.
 */
final class Statements {
    final String secrets;
    final String versions;
    final String stages;

    final String loadSecret;
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
    /** Null where the dialect cannot do it in one statement. */
    final String attachStages;
    final String detachStages;

    Statements(String prefix, SqlDialect dialect) {
        secrets = prefix + "secrets";
        versions = prefix + "versions";
        stages = prefix + "stages";
        String key = "project_id = ? AND secret_name = ?";
        // One query returns the secret row, its versions, and the stages each version holds.
        loadSecret = "SELECT s.revision, s.last_version, v.version_number, v.create_time, t.stage_name, t.update_time,"
                + " v.client_token, s.create_time, s.deletion_time, v.expire_time, s.description"
                + " FROM " + secrets + " s"
                + " LEFT JOIN " + versions + " v ON v.project_id = s.project_id AND v.secret_name = s.secret_name"
                + " LEFT JOIN " + stages + " t ON t.project_id = v.project_id AND t.secret_name = v.secret_name"
                + " AND t.version_number = v.version_number"
                + " WHERE s.project_id = ? AND s.secret_name = ?"
                + " ORDER BY v.version_number";
        // One row: the secret's key (present iff the secret exists) and the stage, if held.
        loadStage = "SELECT t.version_number, t.update_time, s.deletion_time FROM " + secrets + " s"
                + " LEFT JOIN " + stages + " t ON t.project_id = s.project_id AND t.secret_name = s.secret_name"
                + " AND t.stage_name = ?"
                + " WHERE s.project_id = ? AND s.secret_name = ?";
        loadValue = "SELECT is_string, secret_value FROM " + versions + " WHERE " + key + " AND version_number = ?";
        insertSecret = "INSERT INTO " + secrets
                + " (project_id, secret_name, revision, last_version, create_time, description)"
                + " VALUES (?, ?, 1, ?, ?, ?)";
        casSecret = "UPDATE " + secrets + " SET revision = revision + 1, last_version = ?, deletion_time = ?,"
                + " description = ? WHERE " + key + " AND revision = ?";
        rewriteValue = "UPDATE " + versions + " SET is_string = ?, secret_value = ? WHERE " + key
                + " AND version_number = ?";
        insertVersion = "INSERT INTO " + versions
                + " (project_id, secret_name, version_number, create_time, is_string, secret_value, client_token,"
                + " expire_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        updateExpireTime = "UPDATE " + versions + " SET expire_time = ? WHERE " + key + " AND version_number = ?";
        upsertStage = dialect.upsertStage(stages);
        deleteStage = "DELETE FROM " + stages + " WHERE " + key + " AND stage_name = ?";
        deleteVersion = "DELETE FROM " + versions + " WHERE " + key + " AND version_number = ?";
        deleteAllStages = "DELETE FROM " + stages + " WHERE " + key;
        deleteAllVersions = "DELETE FROM " + versions + " WHERE " + key;
        deleteSecret = "DELETE FROM " + secrets + " WHERE " + key;
        String name = dialect.byteOrder("secret_name");
        listSecrets = "SELECT secret_name, revision, create_time, deletion_time, description FROM " + secrets
                + " WHERE project_id = ? AND " + name + " > ? AND (deletion_time IS NULL OR deletion_time > ?)"
                + " ORDER BY " + name + " LIMIT ?";
        listDeletionsDue = "SELECT project_id, secret_name, revision, create_time, deletion_time, description FROM " + secrets
                + " WHERE deletion_time <= ? ORDER BY deletion_time LIMIT ?";
        attachStages = dialect.attachStagesInOneStatement(secrets, stages);
        detachStages = dialect.detachStagesInOneStatement(secrets, stages);
    }
}
