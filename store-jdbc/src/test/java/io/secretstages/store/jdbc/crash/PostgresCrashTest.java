package io.secretstages.store.jdbc.crash;

import io.secretstages.store.jdbc.DurablePostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash harness on PostgreSQL (zonky's embedded server with {@code fsync}, {@code synchronous_commit} and
 * {@code full_page_writes} on, which zonky turns off by default): the client killed, and the server (its
 * postmaster) killed and restarted on the same data directory.
 */
class PostgresCrashTest {

    private static CrashTarget target(DurablePostgres pg, boolean killServer) {
        return new CrashTarget() {
            @Override
            public String name() {
                return "PostgreSQL fsync=on, " + (killServer ? "server" : "client") + " killed";
            }

            @Override
            public String url() {
                return pg.url();
            }

            @Override
            public String user() {
                return "postgres";
            }

            @Override
            public String password() {
                return "postgres";
            }

            @Override
            public IndexAudit audit() {
                return IndexAudit.POSTGRESQL;
            }

            @Override
            public void crash(Process workload) throws IOException, InterruptedException {
                if (!killServer) {
                    workload.destroyForcibly();
                    return;
                }
                pg.kill();
                if (!workload.waitFor(15, TimeUnit.SECONDS)) { // its next call fails: it logs that and exits
                    workload.destroyForcibly();
                }
            }

            @Override
            public void recover() throws IOException {
                if (killServer) {
                    pg.start();
                }
            }
        };
    }

    private static void run(Path dir, boolean killServer) throws Exception {
        try (DurablePostgres pg = new DurablePostgres(dir.resolve("pgdata"))) {
            CrashHarness.Report r = new CrashHarness(target(pg, killServer), dir, System.nanoTime())
                    .run(H2CrashTest.ROUNDS, H2CrashTest.MAX_RUN_MILLIS);
            assertTrue(r.acknowledgedWrites > 0, "the workload wrote: " + r);
            assertEquals(List.of(), r.violations, r.toString());
            assertEquals(List.of(), r.corruptions, r.toString());
        }
    }

    @Test
    void clientKilledNeverLosesAnAcknowledgedWrite(@TempDir Path dir) throws Exception {
        run(dir, false);
    }

    @Test
    void serverKilledAndRestartedOnItsDataDirectoryNeverLosesAnAcknowledgedWrite(@TempDir Path dir)
            throws Exception {
        run(dir, true);
    }
}
