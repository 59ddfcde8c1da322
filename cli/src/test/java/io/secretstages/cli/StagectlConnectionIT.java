package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection failures name their cause in one line: a refused connection, a garbage URL, an unknown driver, a bad
 * URL setting, an H2 file locked by another process, a database that goes silent ({@code --timeout}). Store and
 * connection failures exit 5, usage errors 2. (Bad credentials: {@link StagectlPasswordIT}.)
 */
class StagectlConnectionIT {
    /** JVM start-up on a loaded machine, on top of the 2 s timeout and its 2 s grace. */
    private static final Duration MARGIN = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private StagectlProcess stagectl;

    @BeforeEach
    void setUp() {
        stagectl = new StagectlProcess(logs).in(dir);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionIsNamed() throws Exception {
        int port = freePort();
        Result r = stagectl.run("list-stages", "db", "--jdbc-url=jdbc:postgresql://127.0.0.1:" + port + "/app");
        assertEquals(Stagectl.STORE_FAILED, r.exit(), r.toString());
        assertEquals("error: connection refused by 127.0.0.1:" + port + ": is the database server running? "
                + "(jdbc:postgresql://127.0.0.1:" + port + "/app)\n", r.err());
        Result json = stagectl.run("get-stage", "db", "SYSCURRENT", "--json",
                "--jdbc-url=jdbc:h2:tcp://127.0.0.1:" + port + "/app");
        assertEquals(Stagectl.STORE_FAILED, json.exit(), json.toString());
        assertEquals("{\"error_code\":\"CSMS.0001\",\"error_msg\":\"connection refused by 127.0.0.1:" + port
                + ": is the database server running? (jdbc:h2:tcp://127.0.0.1:" + port + "/app)\"}\n",
                json.err());
    }

    @Test
    void aGarbageUrlAnUnknownDriverAndABadSettingAreUsageErrors() throws Exception {
        Result garbage = stagectl.run("list-stages", "db", "--jdbc-url=localhost:5432/app");
        assertEquals(Stagectl.USAGE, garbage.exit(), garbage.toString());
        assertEquals("error: not a JDBC URL: 'localhost:5432/app' (expected jdbc:<driver>:..., for example "
                + Stagectl.DEFAULT_JDBC_URL + ")\n", garbage.err());
        Result unknown = stagectl.run("list-stages", "db", "--jdbc-url=jdbc:mysql://127.0.0.1/app?password=pw-canary");
        assertEquals(Stagectl.USAGE, unknown.exit(), unknown.toString());
        assertEquals("error: no JDBC driver for jdbc:mysql: in stagectl (it includes SQLite, H2 and PostgreSQL): "
                + "jdbc:mysql://127.0.0.1/app?password=***\n", unknown.err());
        Result malformed = stagectl.run("list-stages", "db", "--jdbc-url=jdbc:postgresql://[::1");
        assertEquals(Stagectl.USAGE, malformed.exit(), malformed.toString());
        assertEquals("error: not a valid PostgreSQL JDBC URL: jdbc:postgresql://[::1\n", malformed.err());
        Result badSetting = stagectl.run("init-schema", "--jdbc-url=jdbc:h2:file:" + dir.resolve("db") + ";NO_SUCH=1");
        assertEquals(Stagectl.USAGE, badSetting.exit(), badSetting.toString());
        assertEquals("error: bad JDBC URL jdbc:h2:file:" + dir.resolve("db") + ";NO_SUCH=1: Unsupported connection "
                + "setting \"NO_SUCH\" (SQLState 90113)\n", badSetting.err());
    }

    @Test
    void anH2FileLockedByAnotherProcessIsNamed() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db");
        assertEquals(0, stagectl.run("init-schema", "--jdbc-url=" + url).exit());
        try (Connection held = DriverManager.getConnection(url, "", "")) {
            Result r = stagectl.run("list-secrets", "--jdbc-url=" + url);
            assertEquals(Stagectl.STORE_FAILED, r.exit(), r.toString());
            assertEquals("error: the H2 database " + dir.resolve("db") + " is in use by another process (H2 opens a file"
                    + " from one process at a time): stop that process, or open the database with ;AUTO_SERVER=TRUE in"
                    + " every process\n", r.err());
            assertTrue(held.isValid(5));
        }
        assertEquals(0, stagectl.run("list-secrets", "--jdbc-url=" + url).exit(), "usable once released");
    }

    @Test
    void aSilentServerTimesOut_loginTimeoutOrTheCommandDeadline() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            String pg = "jdbc:postgresql://127.0.0.1:" + silent.port() + "/app";
            Result login = stagectl.run("list-stages", "db", "--timeout", "2s", "--jdbc-url=" + pg);
            assertEquals(Stagectl.STORE_FAILED, login.exit(), login.toString());
            assertEquals("error: timed out after 2s (--timeout) on " + pg + "\n", login.err());
            assertTrue(login.elapsed().compareTo(Duration.ofSeconds(2).plus(MARGIN)) < 0, login.toString());
            // H2's TCP client ignores the login timeout: the command's deadline ends it
            String h2 = "jdbc:h2:tcp://127.0.0.1:" + silent.port() + "/app";
            Result deadline = stagectl.run("list-stages", "db", "--timeout", "2s", "--jdbc-url=" + h2);
            assertEquals(Stagectl.STORE_FAILED, deadline.exit(), deadline.toString());
            assertEquals("error: timed out after 2s (--timeout) on " + h2 + "; a change, if this "
                    + "command makes one, may or may not have been applied\n", deadline.err());
            assertTrue(deadline.elapsed().compareTo(Duration.ofSeconds(4).plus(MARGIN)) < 0, deadline.toString());
        }
    }

    @Test
    void aBadTimeoutIsAUsageError() throws Exception {
        for (String bad : new String[]{"0s", "-1s", "soon", "25h"}) {
            Result r = stagectl.run("list-secrets", "--timeout", bad);
            assertEquals(Stagectl.USAGE, r.exit(), r.toString());
            assertTrue(r.err().startsWith("Invalid value for option '--timeout': '" + bad + "'"), r.err());
        }
    }
}
