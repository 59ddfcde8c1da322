package io.secretstages.cli;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a database holds the store's tables, asked of its {@link DatabaseMetaData} (not by running a query and
 * catching its failure), in the connection's current schema. Every command but {@code init-schema} runs it first,
 * so that a mistyped URL is refused instead of answered as "no such secret".
 */
final class SchemaCheck {
    /** The tables of {@code JdbcStageRepository} with its default prefix {@code ss_}, which stagectl uses. */
    static final List<String> TABLES = List.of("ss_secrets", "ss_versions", "ss_stages");

    private SchemaCheck() {
    }

    /**
     * @param connection an open connection
     * @return the store's tables that the connection's current schema lacks (empty if the schema is in place)
     * @throws SQLException if the metadata cannot be read
     */
    static List<String> missingTables(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = metaData.getSearchStringEscape();
        List<String> missing = new ArrayList<>();
        for (String table : TABLES) {
            String stored = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(java.util.Locale.ROOT)
                    : metaData.storesLowerCaseIdentifiers() ? table.toLowerCase(java.util.Locale.ROOT) : table;
            String pattern = escape == null ? stored : stored.replace("_", escape + "_");
            try (ResultSet rs = metaData.getTables(connection.getCatalog(), connection.getSchema(), pattern, null)) {
                if (!rs.next()) {
                    missing.add(table);
                }
            }
        }
        return missing;
    }
}
