package io.secretstages.cli;

import io.secretstages.cli.StagectlProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad value files are usage errors (exit 2) naming the path, and an empty value (argument, file or stdin) is refused
 * unless {@code --allow-empty}; in every refused case no version is written.
 */
class StagectlInputIT {
    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private String url;
    private StagectlProcess stagectl;

    @BeforeEach
    void setUp() throws Exception {
        url = "--jdbc-url=jdbc:h2:file:" + dir.resolve("db");
        stagectl = new StagectlProcess(logs);
        assertEquals(0, stagectl.run("init-schema", url).exit());
        assertEquals(0, stagectl.run("create-secret", "k", "--value", "v1-value", url).exit());
    }

    private void assertUsage(String expectedError, Result r) {
        assertEquals(Stagectl.USAGE, r.exit(), r.toString());
        assertEquals("error: " + expectedError + "\n", r.err());
    }

    private void assertStillOneVersion() throws Exception {
        Result versions = stagectl.run("list-versions", "k", url, "--json");
        assertEquals(0, versions.exit(), versions.toString());
        assertTrue(versions.out().matches("\\{\"version_metadatas\":\\[\\{\"id\":\"v1\",[^{}]*}]}\\s*"), versions.out());
    }

    @Test
    void aMissingDirectoryUnreadableOrOversizedValueFileIsAUsageErrorNamingThePath() throws Exception {
        Path missing = dir.resolve("missing.txt");
        assertUsage("value file " + missing + " does not exist",
                stagectl.run("put-version", "k", url, "--value-file", missing.toString()));
        assertUsage("value file " + dir + " is a directory",
                stagectl.run("create-secret", "other", url, "--value-file", dir.toString()));
        Path big = Files.write(dir.resolve("big.bin"), new byte[ValueSource.MAX_VALUE_BYTES + 1]);
        assertUsage("value file " + big + " holds more than 32768 bytes",
                stagectl.run("put-version", "k", url, "--value-file", big.toString(), "--binary"));
        Path devZero = Path.of("/dev/zero");
        if (Files.exists(devZero)) {
            assertUsage("value file /dev/zero holds more than 32768 bytes",
                    stagectl.run("put-version", "k", url, "--value-file", devZero.toString()));
        }
        Path procMem = Path.of("/proc/self/mem"); // unreadable even for root: reading it fails with EIO
        if (Files.exists(procMem)) {
            assertUsage("cannot read value file /proc/self/mem: Input/output error",
                    stagectl.run("put-version", "k", url, "--value-file", procMem.toString()));
        }
        Path locked = Files.writeString(dir.resolve("locked.txt"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(locked)) { // root reads it anyway: /proc/self/mem above is its unreadable file
            assertUsage("value file " + locked + " is not readable (permission denied)",
                    stagectl.run("put-version", "k", url, "--value-file", locked.toString()));
        }
        assertStillOneVersion();
    }

    @Test
    void anEtcdEndpointWithCredentialsIsAUsageErrorThatNeverEchoesThem() throws Exception {
        assertUsage("--etcd takes the cluster's client URLs without credentials (no user@ or user:password@), such as"
                        + " http://127.0.0.1:2379; not one: 'http://...@127.0.0.1:2379'",
                stagectl.run("list-secrets", "--etcd", "http://root:hunter2@127.0.0.1:2379"));
        Result unparsable = stagectl.run("list-secrets", "--etcd", "http://127.0.0.1:2379,ht tp://root:hunter2@x");
        assertEquals(Stagectl.USAGE, unparsable.exit(), unparsable.toString());
        assertFalse(unparsable.err().contains("hunter2") || unparsable.out().contains("hunter2"), unparsable.err());
    }

    @Test
    void anEmptyValueIsRefusedUnlessAllowed() throws Exception {
        assertUsage("the value from --value is empty; add --allow-empty if an empty value is meant",
                stagectl.run("put-version", "k", url, "--value="));
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertUsage("the value from value file " + empty + " is empty; add --allow-empty if an empty value is meant",
                stagectl.run("put-version", "k", url, "--value-file", empty.toString()));
        assertUsage("the value from standard input (--value-stdin) is empty; add --allow-empty if an empty value is"
                + " meant", stagectl.runWithInput("", "put-version", "k", url, "--value-stdin"));
        assertUsage("the value from standard input (--value-stdin) is empty; add --allow-empty if an empty value is"
                + " meant", stagectl.runWithInput("", "create-secret", "fresh", url, "--value-stdin"));
        assertStillOneVersion();
        assertEquals(Stagectl.REFUSED, stagectl.run("describe-secret", "fresh", url).exit(), "not created");

        Result allowed = stagectl.runWithInput("", "put-version", "k", url, "--value-stdin", "--allow-empty");
        assertEquals(0, allowed.exit(), allowed.toString());
        Result shown = stagectl.run("get-version", "k", "v2", url, "--show-value", "--json");
        assertTrue(shown.out().contains("\"secret_string\":\"\""), shown.out());
    }
}
