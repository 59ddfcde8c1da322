package io.secretstages.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.secretstages.cli.StagectlProcess.Result;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stagectl end to end: the shaded jar run as a process against a temporary H2 file database (init-schema first). */
class StagectlIT {
    private static final String CANARY = "s3cret-canary-value";

    @TempDir
    Path dir;
    @TempDir
    Path logs;
    private String url;
    private StagectlProcess stagectl;

    @BeforeEach
    void setUp() throws Exception {
        url = "--jdbc-url=jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        stagectl = new StagectlProcess(logs);
        ok("init-schema", url);
    }

    private Result run(String stdin, String... args) throws Exception {
        return stagectl.runWithInput(stdin, args);
    }

    private Result ok(String... args) throws Exception {
        Result r = run(null, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
        return r;
    }

    @Test
    void aRotationWithTheProvidersJsonShapes() throws Exception {
        Result created = ok("create-secret", "db", url, "--value", CANARY, "--json");
        assertTrue(Pattern.matches("\\{\"version_metadata\":\\{\"id\":\"v1\",\"create_time\":\\d{13},\"secret_name\":\"db\","
                + "\"version_stages\":\\[\"SYSCURRENT\"]}}\\s*", created.out()), created.out());
        ok("put-version", "db", url, "--value", CANARY + "2", "--stage", "pending", "--stage", "blue");
        Result stage = ok("get-stage", "db", "pending", url, "--json");
        assertTrue(Pattern.matches("\\{\"stage\":\\{\"name\":\"pending\",\"version_id\":\"v2\",\"secret_name\":\"db\","
                + "\"update_time\":\\d{13}}}\\s*", stage.out()), stage.out());
        Result moved = ok("update-stage", "db", "SYSCURRENT", "v2", "--expect", "v1", url, "--json");
        assertTrue(moved.out().contains("\"name\":\"SYSCURRENT\",\"version_id\":\"v2\""), moved.out());
        Result stages = ok("list-stages", "db", url);
        assertTrue(stages.out().matches("(?s).*SYSPREVIOUS\\s+v1.*"), stages.out());
        Result versions = ok("list-versions", "db", url, "--json");
        assertTrue(versions.out().startsWith("{\"version_metadatas\":[{\"id\":\"v1\""), versions.out());
        ok("delete-stage", "db", "blue", url);
        ok("delete-secret", "db", url);
        Result gone = run(null, "get-stage", "db", "SYSCURRENT", url, "--json");
        assertEquals(Stagectl.REFUSED, gone.exit());
        assertTrue(gone.err().startsWith("{\"error_code\":\"CSMS.0106\",\"error_msg\":"), gone.err());
    }

    @Test
    void valuesArePrintedOnlyWhenAskedFor_fromArgumentFileOrStdin() throws Exception {
        Path file = dir.resolve("value.bin");
        Files.write(file, new byte[]{0, 1, 2, (byte) 255});
        List<Result> results = new ArrayList<>();
        results.add(ok("create-secret", "k", url, "--value", CANARY));
        results.add(ok("put-version", "k", url, "--value-file", file.toString(), "--binary"));
        Result piped = run(CANARY + "-stdin", "put-version", "k", url, "--value-stdin", "--json");
        assertEquals(0, piped.exit(), piped.toString());
        results.add(piped);
        results.add(ok("get-version", "k", url));
        results.add(ok("get-version", "k", "v1", url, "--json"));
        results.add(ok("list-versions", "k", url));
        results.add(run(null, "update-stage", "k", "SYSCURRENT", "v1", "--expect", "v2", url));
        for (Result r : results) {
            assertFalse((r.out() + r.err()).contains(CANARY), "value printed: " + r);
        }
        assertTrue(ok("get-version", "k", "v1", url, "--show-value").out().contains(CANARY));
        assertTrue(ok("get-version", "k", "latest", url, "--show-value", "--json").out()
                .contains("\"secret_string\":\"" + CANARY + "-stdin\""));
        assertTrue(ok("get-version", "k", "v2", url, "--show-value", "--json").out()
                .contains("\"secret_binary\":\"AAEC/w==\""));
    }

    @Test
    void refusalsExitWith4_storeFailuresWith5_usageWith2() throws Exception {
        ok("create-secret", "db", url, "--value", "x");
        Result conflict = run(null, "update-stage", "db", "SYSCURRENT", "v1", "--expect", "v9", url, "--json");
        assertEquals(Stagectl.REFUSED, conflict.exit());
        assertTrue(conflict.err().contains("\"error_code\":\"CSMS.0003\""), conflict.err());
        Result builtIn = run(null, "delete-stage", "db", "SYSCURRENT", url);
        assertEquals(Stagectl.REFUSED, builtIn.exit());
        assertTrue(builtIn.err().startsWith("error CSMS.0105 (BUILT_IN_STAGE, HTTP 400)"), builtIn.err());
        Result invalid = run(null, "get-version", "db", "latest'; --", url);
        assertEquals(Stagectl.REFUSED, invalid.exit());
        assertTrue(invalid.err().contains("CSMS.0002"), invalid.err());
        Result expectNone = run(null, "update-stage", "db", "SYSCURRENT", "v1", "--expect-none", url);
        assertEquals(Stagectl.REFUSED, expectNone.exit(), expectNone.toString());
        Result noDatabase = run(null, "list-stages", "db", "--jdbc-url=jdbc:postgresql://127.0.0.1:1/none", "--json");
        assertEquals(Stagectl.STORE_FAILED, noDatabase.exit(), noDatabase.toString());
        assertTrue(noDatabase.err().startsWith("{\"error_code\":\"CSMS.0001\""), noDatabase.err());
        assertEquals(2, run(null, "no-such-command").exit());
        assertEquals(2, run(null, "create-secret", "db", url).exit(), "a value source is required");
    }

    @Test
    void scheduledDeletionRestoreAndListingPageByPage() throws Exception {
        for (String name : List.of("c", "a", "b")) {
            ok("create-secret", name, url, "--value", "x");
        }
        Result page = ok("list-secrets", url, "--limit", "2", "--json");
        assertTrue(Pattern.matches("\\{\"secrets\":\\[\\{\"name\":\"a\",\"state\":\"ENABLED\",\"create_time\":\\d{13},"
                + "\"scheduled_delete_time\":null},\\{\"name\":\"b\".*\\],\"page_info\":\\{\"next_marker\":\"b\","
                + "\"current_count\":2}}\\s*", page.out()), page.out());
        assertTrue(ok("list-secrets", url, "--marker", "b").out().matches("(?s)SECRET.*\\nc\\s+ENABLED.*"));
        Result scheduled = ok("schedule-deletion", "b", url, "--recovery-days", "7", "--json");
        assertTrue(scheduled.out().matches("(?s)\\{\"secret\":\\{\"name\":\"b\",\"state\":\"PENDING_DELETION\",.*"
                + "\"scheduled_delete_time\":\\d{13}}}\\s*"), scheduled.out());
        Result refused = run(null, "put-version", "b", url, "--value", "y", "--json");
        assertEquals(Stagectl.REFUSED, refused.exit());
        assertTrue(refused.err().startsWith("{\"error_code\":\"CSMS.0103\""), refused.err());
        assertEquals(Stagectl.REFUSED, run(null, "schedule-deletion", "a", url, "--recovery-days", "6").exit());
        assertTrue(ok("describe-secret", "b", url).out().contains("PENDING_DELETION"));
        assertTrue(ok("restore-secret", "b", url).out().matches("(?s).*\\nb\\s+ENABLED.*"));
        assertTrue(ok("purge-expired", url).out().startsWith("purged "));
    }
}
