package io.secretstages.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What differs between databases: the stage upsert, the schema resource, and how an error says "lost a race".
 * Everything else is standard SQL in {@link Statements}. A dialect overrides only what differs (add MySQL or
 * MariaDB by a subclass of a few lines). Detected from the connection's metadata unless set on the builder.
 */
public abstract class SqlDialect {
    /** H2 2.x. */
    public static final SqlDialect H2 = new H2Dialect();
    /** PostgreSQL 12 or later. */
    public static final SqlDialect POSTGRESQL = new PostgresDialect();
    /** SQLite 3.35 or later (xerial sqlite-jdbc), in WAL mode. */
    public static final SqlDialect SQLITE = new SqliteDialect();

    SqlDialect() {
    }

    /** @return a short name, such as {@code "h2"}, also the suffix of the schema resource */
    public abstract String name();

    /** @return the classpath resource holding this database's DDL, with the table prefix {@code ss_} */
    public String schemaResource() {
        return "/io/secretstages/store/jdbc/schema-" + name() + ".sql";
    }

    /**
     * @param table the stages table name
     * @return an insert-or-update of one stage row, parameters: project, secret, stage, version number, update time
     */
    abstract String upsertStage(String table);

    /**
     * A single statement that checks and bumps the revision and attaches stages (PostgreSQL: a data-modifying CTE),
     * so that a stage move is one round trip on an auto-commit connection; null where the dialect has none.
     * Parameters: project, secret, expected revision, stage names, version numbers, update times (arrays).
     *
     * @param secrets the secrets table
     * @param stages the stages table
     */
    String attachStagesInOneStatement(String secrets, String stages) {
        return null;
    }

    /**
     * Like {@link #attachStagesInOneStatement}, for detaching stages. Parameters: project, secret, expected
     * revision, stage names (array).
     */
    String detachStagesInOneStatement(String secrets, String stages) {
        return null;
    }

    /**
     * @param column a name column
     * @return the column as an expression that compares and sorts by byte order ({@link String#compareTo} for the
     *         ASCII names R2 allows), for listing
     */
    String byteOrder(String column) {
        return column;
    }

    /**
     * @param a an SQL expression
     * @param b another
     * @return the larger of the two, as an SQL expression
     */
    String greatest(String a, String b) {
        return "GREATEST(" + a + ", " + b + ")";
    }

    /**
     * Checks, at start-up, whether the database behind a connection can lose a commit it acknowledged when the
     * process crashes (or, for SQLite, is set up without its foreign keys).
     *
     * @param c a connection of the store's data source
     * @return what is wrong and how to fix it, or null if nothing is
     * @throws SQLException if the check cannot be made
     */
    String durabilityProblem(Connection c) throws SQLException {
        return null;
    }

    /** @return a statement run first in the schema transaction to serialise concurrent initialisation, or null */
    String schemaLock() {
        return null;
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
        return name();
    }
}
