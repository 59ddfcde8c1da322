package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database password comes from {@code STAGECTL_PASSWORD} or {@code --password-file}, works against a
 * password-protected H2 database, and never appears in any output; {@code --password} is refused without echoing
 * it; wrong or missing credentials are named.
 */
class StagectlPasswordIT {
    private static final String PASSWORD = "pw-canary-7Hq2";
    private static final String WRONG = "wrong-canary-3Zx9";

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private String url;
    private final List<Result> everything = new ArrayList<>();

    @BeforeEach
    void setUp() {
        url = "jdbc:h2:file:" + dir.resolve("db");
    }

    private Result run(Map<String, String> environment, String... args) throws Exception {
        Result r = new StagectlProcess(logs).in(dir).withEnvironment(environment).run(args);
        everything.add(r);
        return r;
    }

    @Test
    void thePasswordFromTheEnvironmentOrAFileWorksAndIsNeverPrinted() throws Exception {
        Map<String, String> env = Map.of(PasswordSource.ENVIRONMENT_VARIABLE, PASSWORD);
        Result init = run(env, "init-schema", "--jdbc-url=" + url, "--user", "admin");
        assertEquals(0, init.exit(), init.toString());
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "admin", "").close(),
                "the database was created with the password");
        Result created = run(env, "create-secret", "db", "--value", "x", "--jdbc-url=" + url, "--user", "admin");
        assertEquals(0, created.exit(), created.toString());

        Path file = dir.resolve("password.txt");
        Files.writeString(file, PASSWORD + "\n");
        Result fromFile = run(Map.of(), "list-stages", "db", "--jdbc-url=" + url, "--user", "admin",
                "--password-file", file.toString());
        assertEquals(0, fromFile.exit(), fromFile.toString());
        assertTrue(fromFile.out().contains("SYSCURRENT"), fromFile.out());
        Result fileBeatsEnvironment = run(Map.of(PasswordSource.ENVIRONMENT_VARIABLE, WRONG), "list-stages", "db",
                "--jdbc-url=" + url, "--user", "admin", "--password-file", file.toString(), "--json");
        assertEquals(0, fileBeatsEnvironment.exit(), fileBeatsEnvironment.toString());

        Result wrong = run(Map.of(PasswordSource.ENVIRONMENT_VARIABLE, WRONG), "list-stages", "db",
                "--jdbc-url=" + url, "--user", "admin");
        assertEquals(Stagectl.STORE_FAILED, wrong.exit(), wrong.toString());
        assertEquals("error: authentication failed for user 'admin' on " + url + " (wrong user or password)\n",
                wrong.err());
        Result none = run(Map.of(), "list-stages", "db", "--jdbc-url=" + url, "--user", "admin");
        assertEquals(Stagectl.STORE_FAILED, none.exit(), none.toString());
        assertEquals("error: authentication failed for user 'admin' on " + url + " (no password given: set "
                + "STAGECTL_PASSWORD or use --password-file)\n", none.err());

        Result onCommandLine = run(Map.of(), "list-stages", "db", "--jdbc-url=" + url, "--user", "admin",
                "--password", PASSWORD);
        assertEquals(Stagectl.USAGE, onCommandLine.exit(), onCommandLine.toString());
        assertTrue(onCommandLine.err().startsWith("error: --password is not accepted: every user of this machine can"
                + " read it in the process list; set $STAGECTL_PASSWORD, use --password-file FILE"), onCommandLine.err());
        Result onCommandLineInline = run(Map.of(), "list-stages", "db", "--password=" + PASSWORD);
        assertEquals(Stagectl.USAGE, onCommandLineInline.exit(), onCommandLineInline.toString());

        for (Result r : everything) {
            assertFalse(r.all().contains(PASSWORD), "password printed: " + r);
            assertFalse(r.all().contains(WRONG), "password printed: " + r);
        }
        try (Connection c = DriverManager.getConnection(url, "admin", PASSWORD)) {
            assertTrue(c.isValid(5), "the database still opens with its password");
        }
    }

    @Test
    void aBadPasswordFileIsAUsageErrorNamingThePath() throws Exception {
        Path missing = dir.resolve("no-such-file");
        Result r = run(Map.of(), "list-secrets", "--password-file", missing.toString());
        assertEquals(Stagectl.USAGE, r.exit(), r.toString());
        assertEquals("error: password file " + missing + " does not exist\n", r.err());
        Result directory = run(Map.of(), "list-secrets", "--password-file", dir.toString());
        assertEquals(Stagectl.USAGE, directory.exit(), directory.toString());
        assertEquals("error: password file " + dir + " is a directory\n", directory.err());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Result emptyFile = run(Map.of(), "list-secrets", "--password-file", empty.toString());
        assertEquals(Stagectl.USAGE, emptyFile.exit(), emptyFile.toString());
        assertEquals("error: password file " + empty + " is empty\n", emptyFile.err());
        assertEquals(List.of("empty"), Files.list(dir).map(p -> p.getFileName().toString()).toList(),
                "no database created");
    }
}
