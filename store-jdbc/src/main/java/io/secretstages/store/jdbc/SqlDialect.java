package io.secretstages.store.jdbc;

import java.util.Locale;
import java.util.function.Function;

/**
 * Which of the three supported databases the store talks to: {@link #SQLITE}, {@link #H2} or {@link #POSTGRESQL}.
 * Detected from the connection's metadata unless set with {@link JdbcStageRepository.Builder#dialect}.
 *
 * <p>The set is closed: this class only names a database. What each one's SQL is, and which writes it can do in one
 * statement, lives in this module's package-private statements classes, which are internal (they change with the
 * schema, release to release) and not meant to be extended.
 */
public final class SqlDialect {
    /** H2 2.x. */
    public static final SqlDialect H2 = new SqlDialect("h2", H2Statements::new);
    /** PostgreSQL 12 or later. */
    public static final SqlDialect POSTGRESQL = new SqlDialect("postgresql", PostgresStatements::new);
    /** SQLite 3.35 or later (xerial sqlite-jdbc), in WAL mode. */
    public static final SqlDialect SQLITE = new SqlDialect("sqlite", SqliteStatements::new);

    private final String name;
    private final Function<String, DialectStatements> statements;

    private SqlDialect(String name, Function<String, DialectStatements> statements) {
        this.name = name;
        this.statements = statements;
    }

    /** @return a short name, such as {@code "h2"}, also the suffix of the schema resource */
    public String name() {
        return name;
    }

    /** @return the classpath resource holding this database's DDL, with the table prefix {@code ss_} */
    public String schemaResource() {
        return "/io/secretstages/store/jdbc/schema-" + name + ".sql";
    }

    /**
     * @param prefix the table prefix (validated)
     * @return every statement the store sends to this database, for those tables
     */
    DialectStatements statements(String prefix) {
        return statements.apply(prefix);
    }

    /**
     * @param productName {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
     * @return the dialect for it
     * @throws IllegalArgumentException for a database no dialect supports
     */
    static SqlDialect forProduct(String productName) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.equals("h2")) {
            return H2;
        }
        if (p.equals("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("sqlite")) {
            return SQLITE;
        }
        throw new IllegalArgumentException("no SQL dialect for database product '" + productName
                + "'; supported: H2, PostgreSQL, SQLite (set one with JdbcStageRepository.Builder.dialect)");
    }

    @Override
    public String toString() {
        return name;
    }
}
