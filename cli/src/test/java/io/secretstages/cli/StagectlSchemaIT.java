package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only {@code init-schema} creates a database or applies DDL: every other command refuses a database that does not
 * exist (the default {@code ./data/demo} included) or has no schema, names it, and says which command to run.
 */
class StagectlSchemaIT {
    /** Every command but init-schema, with arguments that would be valid on a database holding secret "db". */
    static final List<List<String>> COMMANDS_ON_A_DATABASE = List.of(
            List.of("create-secret", "db", "--value", "x"),
            List.of("put-version", "db", "--value", "x"),
            List.of("get-version", "db"),
            List.of("list-versions", "db"),
            List.of("get-stage", "db", "SYSCURRENT"),
            List.of("update-stage", "db", "blue", "v1"),
            List.of("delete-stage", "db", "blue"),
            List.of("list-stages", "db"),
            List.of("delete-secret", "db"),
            List.of("describe-secret", "db"),
            List.of("list-secrets"),
            List.of("schedule-deletion", "db"),
            List.of("restore-secret", "db"),
            List.of("purge-expired"));

    @TempDir
    Path workingDirectory;
    @TempDir
    Path logs;
    private StagectlProcess stagectl;

    @BeforeEach
    void setUp() {
        stagectl = new StagectlProcess(logs).in(workingDirectory);
    }

    private static String[] with(List<String> command, String... more) {
        return Stream.concat(command.stream(), Stream.of(more)).toArray(String[]::new);
    }

    private List<Path> filesIn(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(p -> !p.equals(directory)).toList();
        }
    }

    @Test
    void noCommandButInitSchemaCreatesADatabase_defaultUrlAndGivenUrl() throws Exception {
        Path missing = workingDirectory.resolve("mistyped").resolve("stages");
        Path defaultDatabase = workingDirectory.resolve("data/demo/stages.db").toAbsolutePath();
        for (List<String> command : COMMANDS_ON_A_DATABASE) {
            Result byDefault = stagectl.run(with(command));
            assertEquals(Stagectl.STORE_FAILED, byDefault.exit(), byDefault.toString());
            assertEquals("error: no database at " + defaultDatabase + " (only init-schema creates one): run "
                    + "`stagectl init-schema` first\n", byDefault.err(), byDefault.toString());
            assertEquals(List.of(), filesIn(workingDirectory), "created by " + command);
        }
        for (List<String> command : List.of(COMMANDS_ON_A_DATABASE.get(1), COMMANDS_ON_A_DATABASE.get(7))) {
            Result given = stagectl.run(with(command, "--jdbc-url=jdbc:h2:file:" + missing, "--json"));
            assertEquals(Stagectl.STORE_FAILED, given.exit(), given.toString());
            assertTrue(given.err().startsWith("{\"error_code\":\"CSMS.0001\",\"error_msg\":\"no database at " + missing
                    + " (only init-schema creates one): run `stagectl init-schema --jdbc-url=jdbc:h2:file:" + missing
                    + "` first\"}"), given.toString());
            assertEquals(List.of(), filesIn(workingDirectory), "created by " + command);
        }
        Result ifExistsFalse = stagectl.run("list-secrets", "--jdbc-url=jdbc:h2:file:" + missing + ";IFEXISTS=FALSE");
        assertEquals(Stagectl.STORE_FAILED, ifExistsFalse.exit(), ifExistsFalse.toString());
        assertEquals(List.of(), filesIn(workingDirectory), "an explicit IFEXISTS=FALSE is overridden");

        Result init = stagectl.run("init-schema");
        assertEquals(0, init.exit(), init.toString());
        assertTrue(Files.exists(workingDirectory.resolve("data/demo/stages.db")), filesIn(workingDirectory).toString());
        Result listed = stagectl.run("list-secrets");
        assertEquals(0, listed.exit(), listed.toString());
        assertTrue(listed.out().startsWith("SECRET"), listed.out());
    }

    @Test
    void aDatabaseWithoutTheSchemaIsRefusedAndLeftWithoutIt() throws Exception {
        Path file = workingDirectory.resolve("other");
        String url = "jdbc:h2:file:" + file;
        try (Connection c = DriverManager.getConnection(url, "", "")) {
            c.createStatement().execute("CREATE TABLE unrelated (id INT)");
        }
        for (List<String> command : List.of(COMMANDS_ON_A_DATABASE.get(0), COMMANDS_ON_A_DATABASE.get(7))) {
            Result r = stagectl.run(with(command, "--jdbc-url=" + url));
            assertEquals(Stagectl.STORE_FAILED, r.exit(), r.toString());
            assertEquals("error: the database " + file + " has no stagectl schema (missing ss_secrets, ss_versions, "
                    + "ss_stages): run `stagectl init-schema --jdbc-url=" + url + "` first\n", r.err());
        }
        try (Connection c = DriverManager.getConnection(url, "", "");
             ResultSet tables = c.getMetaData().getTables(null, "PUBLIC", "SS%", null)) {
            assertFalse(tables.next(), "no command but init-schema applied DDL");
        }
        assertEquals(0, stagectl.run("init-schema", "--jdbc-url=" + url).exit());
        assertEquals(0, stagectl.run("create-secret", "db", "--value", "x", "--jdbc-url=" + url).exit());
    }
}
