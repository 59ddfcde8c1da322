package io.secretstages.store.jdbc.crash;

import io.secretstages.store.jdbc.DurableJdbcUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The crash harness on an SQLite file (WAL, synchronous=FULL, as {@link DurableJdbcUrl} opens it). */
class SqliteCrashTest {
    @Test
    void sqliteKeepsEveryAcknowledgedWriteAcrossSigkills(@TempDir Path dir) throws Exception {
        String url = DurableJdbcUrl.of("jdbc:sqlite:" + dir.resolve("stages.db").toAbsolutePath());
        CrashTarget sqlite = new CrashTarget() {
            @Override
            public String name() {
                return "SQLite WAL synchronous=FULL";
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public IndexAudit audit() {
                return IndexAudit.SQLITE;
            }
        };
        CrashHarness.Report r = new CrashHarness(sqlite, dir, System.nanoTime())
                .run(H2CrashTest.ROUNDS, H2CrashTest.MAX_RUN_MILLIS);
        assertTrue(r.acknowledgedWrites > 0, "the workload wrote: " + r);
        assertEquals(List.of(), r.violations, r.toString());
        assertEquals(List.of(), r.corruptions, r.toString());
    }
}
