package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

    /**
     * In a terminal (a pseudo-terminal from util-linux {@code script}), a database that refuses the login without a
     * password gets a prompt; the typed password is not echoed.
     */
    @Test
    void inATerminalThePasswordIsPromptedForWithoutEcho() throws Exception {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(script), "needs util-linux script for a pseudo-terminal");
        Result init = run(Map.of(PasswordSource.ENVIRONMENT_VARIABLE, PASSWORD), "init-schema", "--jdbc-url=" + url,
                "--user", "admin");
        assertEquals(0, init.exit(), init.toString());
        String jar = Path.of(System.getProperty("stagectl.jar", "target/stagectl.jar")).toAbsolutePath().toString();
        String java = ProcessHandle.current().info().command().orElse("java");
        String command = String.join(" ", "'" + java + "'", "-jar", "'" + jar + "'", "list-secrets",
                "'--jdbc-url=" + url + "'", "--user", "admin");
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "-q", "-e", "-c", command, "/dev/null")
                .directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove(PasswordSource.ENVIRONMENT_VARIABLE);
        Process p = builder.start();
        String prompt = "Password for admin on " + url + ": ";
        StringBuffer output = new StringBuffer();
        CountDownLatch prompted = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (var in = p.getInputStream()) {
                byte[] buffer = new byte[1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    if (output.toString().contains(prompt)) {
                        prompted.countDown();
                    }
                }
            } catch (IOException e) {
                output.append("read failed: ").append(e);
            }
        });
        reader.start();
        try {
            assertTrue(prompted.await(1, TimeUnit.MINUTES), "prompted: " + output);
            try (var in = p.getOutputStream()) {
                in.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(1, TimeUnit.MINUTES), "stagectl finished: " + output);
            reader.join(10_000);
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), output.toString());
        assertTrue(output.toString().contains("SECRET"), output.toString());
        assertFalse(output.toString().contains(PASSWORD), "password echoed: " + output);
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
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("empty"), files.map(p -> p.getFileName().toString()).toList(), "no database created");
        }
    }
}
