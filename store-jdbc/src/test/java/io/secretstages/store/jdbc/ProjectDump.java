package io.secretstages.store.jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything the JDBC store keeps for one project (its rows of ss_secrets, ss_versions and ss_stages) as text, with
 * the project id left out so that two projects that went through the same writes compare equal. How a version's
 * value is shown is given: the stored bytes, or (for an encrypting store, whose ciphertexts differ between twins)
 * the value as read back. Test code, shared with other modules' tests through this module's test-jar.
 */
public final class ProjectDump implements FaultPointSweep.ProjectState {
    /** How a version's value appears in the dump. */
    @FunctionalInterface
    public interface ValueText {
        /**
         * @param db         the database dumped
         * @param project    the project dumped
         * @param secretName the version's secret
         * @param version    the version number
         * @param stored     the secret_value column as stored
         * @return the text to show for the value
         * @throws SQLException if reading the value needs the database and that fails
         */
        String of(DataSource db, String project, String secretName, long version, byte[] stored) throws SQLException;
    }

    private static final List<String> QUERIES = List.of(
            "SELECT secret_name, revision, last_version, create_time, deletion_time FROM ss_secrets"
                    + " WHERE project_id = ? ORDER BY 1",
            "SELECT secret_name, version_number, create_time, is_string, client_token, secret_value FROM ss_versions"
                    + " WHERE project_id = ? ORDER BY 1, 2",
            "SELECT secret_name, stage_name, version_number, update_time FROM ss_stages"
                    + " WHERE project_id = ? ORDER BY 1, 2");
    private static final String VALUE_COLUMN = "secret_value";

    private final ValueText values;

    /** @param values how a version's value is shown */
    public ProjectDump(ValueText values) {
        this.values = values;
    }

    /** @return a dump that shows each value as its stored bytes, in hex */
    public static ProjectDump storedBytes() {
        return new ProjectDump((db, project, secretName, version, stored) -> HexFormat.of().formatHex(stored));
    }

    @Override
    public String read(DataSource db, String project) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = db.getConnection()) {
            for (String sql : QUERIES) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, project);
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                sb.append(i > 1 ? "," : "");
                                if (rs.getMetaData().getColumnLabel(i).equalsIgnoreCase(VALUE_COLUMN)) {
                                    sb.append(values.of(db, project, rs.getString(1), rs.getLong(2), rs.getBytes(i)));
                                } else {
                                    sb.append(rs.getObject(i));
                                }
                            }
                            sb.append("\n");
                        }
                    }
                }
                sb.append("--\n");
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return sb.toString();
    }
}
