package io.secretstages.cli;

import com.google.crypto.tink.KeysetHandle;
import io.secretstages.cli.StagectlProcess.Result;
import io.secretstages.encryption.KeyEncryptionKeys;
import io.secretstages.encryption.KeysetFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * stagectl over an encrypted database (issue 15; docs/rules.md E1-E4): the shaded jar run as a process with the
 * global {@code --keyset FILE} on an SQLite file. Written with the keyset, values read back with it and nowhere in the
 * database's files; read without it or with another keyset, a clear store failure naming the key id; a missing or
 * bad keyset, a usage error before the database is touched; no key material in any output.
 */
class StagectlEncryptionIT {
    private static final Pattern SERVING = Pattern.compile(
            "Serving CSMS at (http://127\\.0\\.0\\.1:\\d+) \\(1 credentials; .*; encrypted at rest\\)");
    private static final String CANARY = "enc-canary-7f3a9c";
    private static final Pattern KEY_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([A-Za-z0-9+/=]{20,})\"");

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private Path database;
    private String url;
    private Path keysetFile;
    private KeysetHandle keyset;
    private StagectlProcess stagectl;
    private final List<Result> results = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        database = dir.resolve("db").resolve("stages.db");
        url = "--jdbc-url=jdbc:sqlite:" + database.toAbsolutePath();
        keyset = KeyEncryptionKeys.generate();
        keysetFile = dir.resolve("keyset.json");
        KeysetFiles.writeCleartext(keyset, keysetFile);
        stagectl = new StagectlProcess(logs);
        ok("init-schema", url, "--keyset", keysetFile.toString());
    }

    private Result run(String stdin, String... args) throws Exception {
        Result r = stagectl.runWithInput(stdin, args);
        results.add(r);
        return r;
    }

    private Result ok(String... args) throws Exception {
        Result r = run(null, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    private String keyOption() {
        return "--keyset=" + keysetFile;
    }

    @Test
    void writtenWithTheKeyset_readBackWithIt_andNoPlaintextInTheSqliteFiles() throws Exception {
        ok("create-secret", "db", url, keyOption(), "--value", CANARY + "-1");
        Result piped = run(CANARY + "-2", "put-version", "db", url, keyOption(), "--value-stdin");
        assertEquals(0, piped.exit(), piped.toString());
        Path binary = dir.resolve("value.bin");
        Files.write(binary, (CANARY + "-bin").getBytes(StandardCharsets.UTF_8));
        ok("put-version", "db", url, keyOption(), "--value-file", binary.toString(), "--binary");

        assertTrue(ok("get-version", "db", "v1", url, keyOption(), "--show-value").out().contains(CANARY + "-1"));
        assertTrue(ok("get-version", "db", "v2", url, keyOption(), "--show-value", "--json").out()
                .contains("\"secret_string\":\"" + CANARY + "-2\""));
        String encoded = Base64.getEncoder().encodeToString((CANARY + "-bin").getBytes(StandardCharsets.UTF_8));
        assertTrue(ok("get-version", "db", "latest", url, keyOption(), "--show-value").out()
                .contains("base64:" + encoded), "the binary type survives");

        byte[] all = databaseFiles();
        assertTrue(all.length > 0);
        for (String plain : List.of(CANARY + "-1", CANARY + "-2", CANARY + "-bin")) {
            byte[] raw = plain.getBytes(StandardCharsets.UTF_8);
            for (byte[] form : List.of(raw, HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII),
                    Base64.getEncoder().encode(raw))) {
                assertFalse(contains(all, form), "plaintext in the database files: " + new String(form));
            }
        }
        assertFalse(contains(all, CANARY.getBytes(StandardCharsets.UTF_8)), "no fragment of a value either");
        assertNoKeyMaterialPrinted();
    }

    @Test
    void withoutTheKeyset_aValueReadFailsNamingTheKeyId_andNothingIsWrittenBesideIt() throws Exception {
        ok("create-secret", "db", url, keyOption(), "--value", CANARY);
        String keyId = Integer.toUnsignedString(keyset.getPrimary().getId());

        Result read = run(null, "get-version", "db", "v1", url, "--show-value");
        assertEquals(Stagectl.STORE_FAILED, read.exit(), read.toString());
        assertTrue(read.err().contains("STORE_FAILURE"), read.err());
        assertTrue(read.err().contains("could not decrypt the value of demo-project/db/v1"), read.err());
        assertTrue(read.err().contains("key-encryption key id " + keyId), read.err());
        assertTrue(read.err().contains("no key-encryption key was given"), read.err());

        Result write = run(null, "put-version", "db", url, "--value", "plain-next");
        assertEquals(Stagectl.STORE_FAILED, write.exit(), write.toString());
        assertTrue(write.err().contains("key-encryption key id " + keyId), write.err());
        assertFalse(contains(databaseFiles(), "plain-next".getBytes(StandardCharsets.UTF_8)), "no plaintext written");
        String versions = ok("list-versions", "db", url).out();
        assertTrue(versions.contains("\nv1 ") && !versions.contains("\nv2 "), "only v1 exists: " + versions);

        assertFalse(read.all().contains(CANARY));
        assertNoKeyMaterialPrinted();
    }

    @Test
    void withAnotherKeyset_aValueReadFailsNamingTheKeyItNeeds() throws Exception {
        ok("create-secret", "db", url, keyOption(), "--value", CANARY);
        Path other = dir.resolve("other-keyset.json");
        KeysetFiles.writeCleartext(KeyEncryptionKeys.generate(), other);

        Result read = run(null, "get-version", "db", "latest", url, "--keyset", other.toString(), "--show-value");
        assertEquals(Stagectl.STORE_FAILED, read.exit(), read.toString());
        assertTrue(read.err().contains("could not decrypt the value of demo-project/db/v1"), read.err());
        assertTrue(read.err().contains("key-encryption key id "
                + Integer.toUnsignedString(keyset.getPrimary().getId())), read.err());
        assertFalse(read.all().contains(CANARY));
        assertNoKeyMaterialPrinted();
    }

    @Test
    void aMissingOrBadKeysetIsAUsageErrorBeforeTheDatabaseIsTouched() throws Exception {
        Path absentDatabase = dir.resolve("absent").resolve("stages.db");
        String absentUrl = "--jdbc-url=jdbc:sqlite:" + absentDatabase.toAbsolutePath();
        Path missing = dir.resolve("no-such-keyset.json");
        Result noFile = run(null, "init-schema", absentUrl, "--keyset", missing.toString());
        assertEquals(Stagectl.USAGE, noFile.exit(), noFile.toString());
        assertEquals("error: keyset file " + missing + " does not exist", noFile.err().strip());

        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"key\":[{\"keyData\":{\"value\":\"" + CANARY + "-notakey\"}}]}");
        Result bad = run(null, "init-schema", absentUrl, "--keyset", garbage.toString());
        assertEquals(Stagectl.USAGE, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("error: keyset file " + garbage + " is not a cleartext Tink AEAD keyset"),
                bad.err());
        assertFalse(bad.all().contains(CANARY), "the file's content is not echoed");
        assertFalse(Files.exists(absentDatabase.getParent()), "init-schema did not get as far as the database");

        Result rewrap = run(null, "rewrap", url);
        assertEquals(Stagectl.USAGE, rewrap.exit(), rewrap.toString());
        assertTrue(rewrap.err().contains("--keyset FILE"), rewrap.err());
    }

    @Test
    void rewrapUnderTheGlobalKeysetLetsTheOldKeyBeRetired() throws Exception {
        ok("create-secret", "a", url, keyOption(), "--value", CANARY + "-a");
        ok("create-secret", "b", url, keyOption(), "--value", CANARY + "-b");
        int oldId = keyset.getPrimary().getId();
        KeysetHandle rotated = KeyEncryptionKeys.rotate(keyset);
        Path rotatedFile = dir.resolve("rotated.json");
        KeysetFiles.writeCleartext(rotated, rotatedFile);

        Result rewrap = ok("rewrap", url, "--keyset", rotatedFile.toString(), "--json");
        assertEquals("{\"secrets\":2,\"rewrapped\":2,\"already_current\":0}", rewrap.out().strip());

        Path retiredFile = dir.resolve("retired.json");
        KeysetFiles.writeCleartext(KeyEncryptionKeys.retire(rotated, oldId), retiredFile);
        assertTrue(ok("get-version", "b", url, "--keyset", retiredFile.toString(), "--show-value").out()
                .contains(CANARY + "-b"), "readable with the new key only");
        assertNoKeyMaterialPrinted();
    }

    @Test
    void rewrapAllProjectsLetsTheOldKeyBeRetiredInEveryProject() throws Exception {
        ok("create-secret", "a", url, keyOption(), "-p", "team-one", "--value", CANARY + "-1a");
        ok("put-version", "a", url, keyOption(), "-p", "team-one", "--value", CANARY + "-1a2");
        ok("create-secret", "b", url, keyOption(), "-p", "team-two", "--value", CANARY + "-2b");
        ok("create-secret", "c", url, keyOption(), "-p", "team-two", "--value", CANARY + "-2c");
        int oldId = keyset.getPrimary().getId();
        KeysetHandle rotated = KeyEncryptionKeys.rotate(keyset);
        Path rotatedFile = dir.resolve("rotated.json");
        KeysetFiles.writeCleartext(rotated, rotatedFile);
        String rotatedOption = "--keyset=" + rotatedFile;

        Result mixed = run(null, "rewrap", url, rotatedOption, "--all-projects", "-p", "team-one");
        assertEquals(Stagectl.USAGE, mixed.exit(), mixed.toString());
        assertTrue(mixed.err().contains("--all-projects re-wraps every project: drop --project"), mixed.err());
        Result stray = run(null, "rewrap", url, rotatedOption, "--from-project", "team-one");
        assertEquals(Stagectl.USAGE, stray.exit(), stray.toString());
        assertTrue(stray.err().contains("add --all-projects"), stray.err());

        Result text = ok("rewrap", url, rotatedOption, "--all-projects");
        assertTrue(text.out().contains("team-one/a: 1 secret(s), 2 re-wrapped, 0 already current"), text.out());
        assertTrue(text.out().contains("team-two/c: 3 secret(s), 4 re-wrapped, 0 already current"), text.out());
        assertTrue(text.out().contains("done: 3 secret(s) in 2 project(s), 4 re-wrapped, 0 already current"),
                text.out());
        Result resumed = ok("rewrap", url, rotatedOption, "--all-projects", "--from-project", "team-two",
                "--after", "b", "--json");
        assertEquals("{\"secrets\":1,\"rewrapped\":0,\"already_current\":1,\"projects\":1}",
                resumed.out().strip(), "resumed after team-two/b: only c, already under the new primary");

        Path retiredFile = dir.resolve("retired.json");
        KeysetFiles.writeCleartext(KeyEncryptionKeys.retire(rotated, oldId), retiredFile);
        String newKeyOnly = "--keyset=" + retiredFile;
        for (String[] v : List.of(new String[]{"team-one", "a", "v1", "-1a"},
                new String[]{"team-one", "a", "v2", "-1a2"}, new String[]{"team-two", "b", "v1", "-2b"},
                new String[]{"team-two", "c", "v1", "-2c"})) {
            assertTrue(ok("get-version", v[1], v[2], url, "-p", v[0], newKeyOnly, "--show-value").out()
                    .contains(CANARY + v[3]), () -> String.join("/", v) + " readable with the new key only");
        }
        assertNoKeyMaterialPrinted();
    }

    @Test
    @Timeout(180)
    void serveWithTheKeyset_theSdkReadsBack_andTheDatabaseHoldsNoPlaintext() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "ak my-ak my-sk my-project\n");
        String printed;
        try (ServedStagectl server = ServedStagectl.start(SERVING, url, keyOption(), "--credentials",
                credentials.toString())) {
            printed = server.runTheReadmeClient();
        }
        assertEquals("v2 pw-2", printed);
        assertTrue(ok("get-version", "db-password", "v1", url, "-p", "my-project", keyOption(), "--show-value")
                .out().contains("pw-1"));
        byte[] all = databaseFiles();
        assertFalse(contains(all, "pw-1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(contains(all, "pw-2".getBytes(StandardCharsets.UTF_8)));
    }

    /** @return the bytes of every file of the SQLite database (main file, WAL, shared memory) */
    private byte[] databaseFiles() throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(database.getParent())) {
            for (Path f : files.toList()) {
                all.writeBytes(Files.readAllBytes(f));
            }
        }
        return all.toByteArray();
    }

    private void assertNoKeyMaterialPrinted() throws Exception {
        List<String> keys = new ArrayList<>();
        for (Path f : List.of(keysetFile)) {
            Matcher m = KEY_VALUE.matcher(Files.readString(f));
            while (m.find()) {
                keys.add(m.group(1));
            }
        }
        assertFalse(keys.isEmpty(), "the keyset file holds key values");
        for (Result r : results) {
            for (String key : keys) {
                assertFalse(r.all().contains(key), "key material printed: " + r);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) { // ISO-8859-1 maps each byte to one char
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
