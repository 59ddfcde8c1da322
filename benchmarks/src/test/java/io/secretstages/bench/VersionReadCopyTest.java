package io.secretstages.bench;

import io.secretstages.store.jdbc.SqlDialect;
import io.secretstages.store.jdbc.StoreStatements;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link BaselineBenchmark#jdbcVersionRead} runs a copy of the store's version read: if the store's statement
 * changes, the copy must follow, or the row measures another statement than the library sends.
 */
class VersionReadCopyTest {
    @Test
    void theBaselinesVersionReadIsTheStoresStatementOnEveryDatabase() {
        assertEquals(StoreStatements.loadVersion(SqlDialect.H2), BaselineBenchmark.versionRead("h2"));
        assertEquals(StoreStatements.loadVersion(SqlDialect.POSTGRESQL), BaselineBenchmark.versionRead("pg"));
        assertEquals(StoreStatements.loadVersion(SqlDialect.POSTGRESQL), BaselineBenchmark.versionRead("pg-durable"));
        assertEquals(StoreStatements.loadVersion(SqlDialect.SQLITE), BaselineBenchmark.versionRead("sqlite"));
    }
}
