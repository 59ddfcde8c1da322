package io.secretstages.store.jdbc;

import io.secretstages.spi.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the store's tables from the dialect's shipped DDL (a classpath resource), idempotently, in one
 * transaction, and upgrades tables of an earlier release in place: missing columns are added ({@code ADD COLUMN
 * IF NOT EXISTS} where the database has it; SQLite has none for columns, so an {@code ADD COLUMN} of a column the
 * table already has is skipped here).
 */
final class SchemaInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStageRepository.class);
    private static final Pattern ADD_COLUMN = Pattern.compile(
            "ALTER TABLE (\\w+) ADD COLUMN (?!IF NOT EXISTS)(\\w+)\\b.*", Pattern.DOTALL);

    private SchemaInitializer() {
    }

    /**
     * Applies the schema (after the dialect's {@linkplain DialectStatements#schemaPreamble preamble}).
     *
     * @param tx the store's transaction template
     * @param sql the dialect's statements
     * @param prefix the table prefix replacing {@code ss_}
     * @throws StoreException if it failed
     */
    static void apply(JdbcTransactions tx, DialectStatements sql, String prefix) {
        List<String> statements = ddl(sql.dialect(), prefix);
        tx.write("initialize the schema", JdbcTransactions.Shape.TRANSACTION, c -> {
            try (Statement st = tx.createStatement(c)) {
                for (String preamble : sql.schemaPreamble()) {
                    st.execute(preamble);
                }
                for (String ddl : statements) {
                    if (!addsExistingColumn(c, ddl)) {
                        st.execute(ddl);
                    }
                }
            }
            return true;
        });
        LOG.info("schema {} applied with table prefix {}", sql.dialect().schemaResource(), prefix);
    }

    /**
     * Whether {@code ddl} is an {@code ALTER TABLE t ADD COLUMN c} without {@code IF NOT EXISTS} of a column the
     * table already has: such an upgrade is skipped.
     */
    private static boolean addsExistingColumn(Connection c, String ddl) throws SQLException {
        Matcher m = ADD_COLUMN.matcher(ddl);
        if (!m.matches()) {
            return false;
        }
        try (ResultSet rs = c.getMetaData().getColumns(null, null, m.group(1), null)) {
            while (rs.next()) {
                if (m.group(2).equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param dialect the database
     * @param prefix the table prefix replacing {@code ss_}
     * @return the DDL statements of the dialect's schema resource
     */
    static List<String> ddl(SqlDialect dialect, String prefix) {
        String text;
        try (InputStream in = SchemaInitializer.class.getResourceAsStream(dialect.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + dialect.schemaResource());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read " + dialect.schemaResource(), e);
        }
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.trim().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String statement : body.toString().split(";")) {
            if (!statement.isBlank()) {
                out.add(statement.trim().replaceAll("\\bss_", prefix));
            }
        }
        return out;
    }
}
