package io.secretstages.store.jdbc;

/**
 * The store's own statements, for the benchmarks' tests only: its statement classes are internal to store-jdbc, so
 * this class sits in their package (the test class path is not a module path).
 */
public final class StoreStatements {
    private StoreStatements() {
    }

    /**
     * @param dialect the database
     * @return the store's version read ({@code DialectStatements.loadVersion}) for the default {@code ss_} tables
     */
    public static String loadVersion(SqlDialect dialect) {
        return dialect.statements("ss_").loadVersion;
    }
}
