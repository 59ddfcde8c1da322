package io.secretstages.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.secretstages.cli.StagectlProcess.Result;
import io.secretstages.encryption.KeyEncryptionKeys;
import io.secretstages.encryption.KeysetFiles;
import io.secretstages.store.etcd.testcluster.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * stagectl and {@code stagectl serve} on a real three-member etcd cluster (issue 17): the shaded jar run as a process
 * with {@code --etcd} (all members' client URLs) and {@code --etcd-prefix}. Skipped, with one line saying how to
 * enable it, when there is no {@code etcd} binary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StagectlEtcdIT {
    private static final Pattern SERVING =
            Pattern.compile("Serving CSMS at (http://127\\.0\\.0\\.1:\\d+) \\(1 credentials; etcd .*\\)");

    @TempDir
    Path dir;
    private EtcdCluster cluster;
    private StagectlProcess stagectl;

    @BeforeAll
    void startCluster() {
        boolean installed = EtcdCluster.binary().isPresent();
        if (!installed) {
            System.out.println(EtcdCluster.HOW_TO_ENABLE);
        }
        assumeTrue(installed, EtcdCluster.HOW_TO_ENABLE);
        cluster = EtcdCluster.start(3);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Result ok(String... args) throws Exception {
        Result r = run(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    @BeforeEach
    void newProcessRunner() throws Exception {
        stagectl = new StagectlProcess(Files.createDirectories(dir.resolve("logs")));
    }

    private Result run(String... args) throws Exception {
        return stagectl.run(args);
    }

    private String etcd() {
        return "--etcd=" + String.join(",", cluster.endpoints());
    }

    @Test
    void aRotationOnTheCluster_underItsOwnPrefix() throws Exception {
        String prefix = "--etcd-prefix=rotation/";
        assertTrue(ok("init-schema", etcd(), prefix).out().contains("etcd needs no schema"));
        ok("create-secret", "db", etcd(), prefix, "--value", "pw-1");
        ok("put-version", "db", etcd(), prefix, "--value", "pw-2", "--stage", "pending");
        Result moved = ok("update-stage", "db", "SYSCURRENT", "v2", "--expect", "v1", etcd(), prefix, "--json");
        assertTrue(moved.out().contains("\"name\":\"SYSCURRENT\",\"version_id\":\"v2\""), moved.out());
        assertTrue(ok("list-stages", "db", etcd(), prefix).out().matches("(?s).*SYSPREVIOUS\\s+v1.*"));
        assertTrue(ok("get-version", "db", "--stage", "SYSCURRENT", etcd(), prefix, "--show-value").out()
                .contains("pw-2"));
        Result lost = run("update-stage", "db", "SYSCURRENT", "v1", "--expect", "v1", etcd(), prefix);
        assertEquals(Stagectl.REFUSED, lost.exit(), "a guarded update that lost its race: " + lost);

        Result elsewhere = run("describe-secret", "db", etcd(), "--etcd-prefix=other/");
        assertEquals(Stagectl.REFUSED, elsewhere.exit(), "another prefix is another store: " + elsewhere);
        try (Client client = cluster.client()) {
            List<KeyValue> keys = client.getKVClient().get(bytes("rotation/"),
                    GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
            assertFalse(keys.isEmpty(), "the secret is under its prefix in etcd");
        }
    }

    @Test
    void encryptedOnTheCluster_etcdHoldsNoPlaintext() throws Exception {
        Path keyset = dir.resolve("keyset.json");
        KeysetFiles.writeCleartext(KeyEncryptionKeys.generate(), keyset);
        String prefix = "--etcd-prefix=encrypted/";
        String canary = "etcd-canary-5b1e";
        ok("create-secret", "db", etcd(), prefix, "--keyset", keyset.toString(), "--value", canary);
        assertTrue(ok("get-version", "db", etcd(), prefix, "--keyset", keyset.toString(), "--show-value").out()
                .contains(canary));
        Result without = run("get-version", "db", etcd(), prefix, "--show-value");
        assertEquals(Stagectl.STORE_FAILED, without.exit(), without.toString());
        assertTrue(without.err().contains("could not decrypt the value of demo-project/db/v1"), without.err());
        try (Client client = cluster.client()) {
            List<KeyValue> keys = client.getKVClient().get(bytes("encrypted/"),
                    GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
            assertFalse(keys.isEmpty());
            for (KeyValue kv : keys) {
                assertFalse(kv.getValue().toString(StandardCharsets.ISO_8859_1).contains(canary),
                        "plaintext under " + kv.getKey());
            }
        }
    }

    @Test
    void serveOnTheCluster_theReadmeClientWorks() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "ak my-ak my-sk my-project\n");
        String printed;
        try (ServedStagectl server = ServedStagectl.start(SERVING, etcd(), "--etcd-prefix=served/", "--credentials",
                credentials.toString())) {
            printed = server.runTheReadmeClient();
        }
        assertEquals("v2 pw-2", printed);
        assertTrue(ok("get-version", "db-password", "v1", "-p", "my-project", etcd(), "--etcd-prefix=served/",
                "--show-value").out().contains("pw-1"), "what the server wrote is in etcd");
    }

    @Test
    void badEtcdOptionsAreUsageErrors_andAClusterThatIsNotThereFailsWithinTheTimeout() throws Exception {
        Result noScheme = run("list-secrets", "--etcd=127.0.0.1:2379");
        assertEquals(Stagectl.USAGE, noScheme.exit(), noScheme.toString());
        assertTrue(noScheme.err().contains("--etcd takes the cluster's client URLs"), noScheme.err());
        Result both = run("list-secrets", etcd(), "--jdbc-url=jdbc:sqlite:" + dir.resolve("x.db"));
        assertEquals(Stagectl.USAGE, both.exit(), both.toString());
        assertTrue(both.err().contains("--etcd and --jdbc-url"), both.err());

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result absent = run("list-secrets", "--etcd=http://127.0.0.1:" + port, "--timeout=2s");
        assertEquals(Stagectl.STORE_FAILED, absent.exit(), absent.toString());
        assertTrue(absent.err().contains("etcd"), absent.err());
        assertTrue(absent.elapsed().toSeconds() < 30, "bounded: " + absent.elapsed());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
