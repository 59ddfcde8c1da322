package io.secretstages.store.jdbc.crash;

import io.secretstages.store.jdbc.DurableJdbcUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The crash harness on an H2 file database opened as the library opens it ({@link DurableJdbcUrl}: WRITE_DELAY=0).
 * Rounds: {@code secretstages.crash.rounds} (6; 500 with {@code -Psoak}). H2's default WRITE_DELAY (the loss that
 * issue 12 found) is measured with {@code -Dsecretstages.crash.h2Delayed=true}.
 */
class H2CrashTest {
    static final int ROUNDS = Integer.getInteger("secretstages.crash.rounds", 6);
    static final int MAX_RUN_MILLIS = Integer.getInteger("secretstages.crash.maxRunMillis", 700);

    static CrashTarget h2(Path dir, boolean durable) {
        String plain = "jdbc:h2:file:" + dir.resolve("stages").toAbsolutePath();
        String url = durable ? DurableJdbcUrl.of(plain) : plain;
        return new CrashTarget() {
            @Override
            public String name() {
                return "H2 " + url.substring(url.lastIndexOf('/') + 1);
            }

            @Override
            public String url() {
                return url;
            }

            @Override
            public String user() {
                return "sa";
            }

            @Override
            public boolean delayedWrites() {
                return !durable;
            }

            @Override
            public IndexAudit audit() {
                return IndexAudit.H2;
            }
        };
    }

    @Test
    void durableH2KeepsEveryAcknowledgedWriteAcrossSigkills(@TempDir Path dir) throws Exception {
        CrashHarness.Report r = new CrashHarness(h2(dir, true), dir, System.nanoTime()).run(ROUNDS, MAX_RUN_MILLIS);
        assertTrue(r.acknowledgedWrites > 0, "the workload wrote: " + r);
        assertEquals(java.util.List.of(), r.violations, r.toString());
        assertEquals(java.util.List.of(), r.corruptions, r.toString());
    }

    /** Measures H2's default WRITE_DELAY under SIGKILL; reports, and fails only if the harness itself broke. */
    @Test
    void h2WithItsDefaultWriteDelayUnderSigkill(@TempDir Path dir) throws Exception {
        assumeTrue(Boolean.getBoolean("secretstages.crash.h2Delayed"), "-Dsecretstages.crash.h2Delayed=true");
        CrashHarness.Report r = new CrashHarness(h2(dir, false), dir, System.nanoTime()).run(ROUNDS, MAX_RUN_MILLIS);
        assertTrue(r.acknowledgedWrites > 0, "the workload wrote: " + r);
    }
}
