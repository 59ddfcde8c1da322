package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.StoreException;
import io.secretstages.tck.UntilAnswered;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The JDBC store's deadlines ({@link JdbcStageRepository.Builder#statementTimeout},
 * {@link JdbcStageRepository.Builder#networkTimeout}, issue 12, R21 in docs/rules.md) against a PostgreSQL behind a
 * {@link FaultyProxy} that goes silent or drops connections, and a server killed and restarted under load: every call
 * fails with STORE_FAILURE within the timeouts plus a margin, a failed call is never applied later unless its failure
 * said the outcome was unknown, and calls succeed again once the database is back; and a write blocked by a row lock
 * is cancelled by the database before its connection is given up.
 */
class PostgresTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long POOL_WAIT_MILLIS = 1_500;
    /** Network timeout, or the pool's wait for a connection, whichever ends the call, plus a margin for a busy host. */
    private static final long BOUND_MILLIS = TIMEOUT.toMillis() + POOL_WAIT_MILLIS + 2_500;

    private static HikariDataSource pool(int port) {
        return pool(port, true);
    }

    private static HikariDataSource pool(int port, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setAutoCommit(autoCommit);
        // cancelSignalTimeout: pgjdbc waits for the cancel it sends at a statement timeout (10 s by default), and a
        // silent server never answers it; prepareThreshold=0: statements always travel as text (the proxy finds COMMIT)
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port
                + "/postgres?connectTimeout=2&loginTimeout=2&cancelSignalTimeout=1&prepareThreshold=0");
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(3);
        config.setConnectionTimeout(POOL_WAIT_MILLIS);
        config.setValidationTimeout(1_000);
        config.setPoolName("timeouts");
        return new HikariDataSource(config);
    }

    private static StageManager manager(HikariDataSource pool) {
        return StageManager.builder().repository(JdbcStageRepository.builder(pool).initializeSchema(true)
                .statementTimeout(TIMEOUT).networkTimeout(TIMEOUT).build()).build();
    }

    /** A call's failure: STORE_FAILURE within the bound; returns whether it said its outcome was unknown. */
    private static boolean failsInTime(String what, Runnable call) {
        long start = System.nanoTime();
        try {
            call.run();
        } catch (StageException e) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(ErrorCode.STORE_FAILURE, e.code(), what + ": " + e);
            assertTrue(millis < BOUND_MILLIS, what + " failed after " + millis + " ms, bound " + BOUND_MILLIS);
            return e.getCause() instanceof StoreException s && s.ambiguous();
        }
        fail(what + " succeeded with the database silent");
        return false;
    }

    private static <T> T eventually(Supplier<T> call) {
        return UntilAnswered.call(Duration.ofSeconds(60), call);
    }

    @Test
    void aSilentDatabaseFailsEveryCallInTimeAndAFailedCallIsNotAppliedWhenTrafficResumes() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(TestDatabases.postgres().getPort());
             HikariDataSource pool = pool(proxy.port())) {
            StageManager m = manager(pool);
            String secret = "silent-" + System.nanoTime();
            m.createSecret("timeouts", secret, SecretValue.ofString("one"));
            m.putVersion("timeouts", secret, SecretValue.ofString("two"), Set.of("pending"));

            proxy.silence();
            failsInTime("getStage", () -> m.getStage("timeouts", secret, "SYSCURRENT"));
            boolean updateAmbiguous = failsInTime("guarded updateStage", () ->
                    m.updateStage("timeouts", secret, "SYSCURRENT", "v2", Optional.of("v1")));
            boolean putAmbiguous = failsInTime("putVersion", () ->
                    m.putVersion("timeouts", secret, SecretValue.ofString("three"), Set.of("SYSCURRENT"), "tok-3"));
            failsInTime("listVersions", () -> m.listVersions("timeouts", secret));
            proxy.recover();

            String current = eventually(() -> m.getStage("timeouts", secret, "SYSCURRENT")).versionId();
            List<VersionMetadata> versions = m.listVersions("timeouts", secret, true);
            if (!updateAmbiguous && !putAmbiguous) {
                assertEquals("v1", current, "a failed guarded update was applied after the database came back");
                assertEquals(2, versions.size(), "a failed put was applied after the database came back: " + versions);
            }
            // calls succeed again
            assertEquals("v2", m.updateStage("timeouts", secret, "SYSCURRENT", "v2", Optional.of(current))
                    .versionId());
        }
    }

    /**
     * Connections dropped at the n-th chunk clients send (n = 1..8: connection set-up, the put's statements, its
     * commit, as they fall), before and after the chunk reaches the database: a put that failed without saying its
     * outcome is unknown left nothing; one that succeeded is there.
     */
    @Test
    void connectionsDroppedMidTransactionNeverLeaveAFailedPutBehindUnlessItSaidSo() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(TestDatabases.postgres().getPort());
             HikariDataSource pool = pool(proxy.port())) {
            StageManager m = manager(pool);
            String secret = "dropped-" + System.nanoTime();
            m.createSecret("timeouts", secret, SecretValue.ofString("v1-value"));
            int failed = 0;
            for (boolean forwarded : new boolean[] {false, true}) {
                for (int chunk = 1; chunk <= 8; chunk++) {
                    String value = "value-" + forwarded + "-" + chunk;
                    proxy.dropAtClientChunk(chunk, forwarded);
                    String outcome;
                    long start = System.nanoTime();
                    try {
                        outcome = m.putVersion("timeouts", secret, SecretValue.ofString(value)).id();
                    } catch (StageException e) {
                        assertEquals(ErrorCode.STORE_FAILURE, e.code(), e.toString());
                        boolean unknown = e.getCause() instanceof StoreException s && s.ambiguous();
                        outcome = unknown ? "unknown" : "failed";
                        failed++;
                    }
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(millis < BOUND_MILLIS, "a put with its connection dropped took " + millis + " ms");
                    proxy.disarm();
                    boolean present = eventually(() -> hasValue(m, secret, value));
                    if (outcome.equals("failed")) {
                        assertFalse(present, "a put that failed (chunk " + chunk + ", forwarded " + forwarded
                                + ") was applied, and its failure did not say the outcome was unknown");
                    } else if (!outcome.equals("unknown")) {
                        assertTrue(present, "an acknowledged put is missing: " + outcome);
                    }
                }
            }
            assertTrue(failed > 0, "some drops failed a put");
        }
    }

    /**
     * The commit itself cut: not forwarded (nothing committed) and forwarded with its answer lost (committed). Both
     * fail with STORE_FAILURE saying the outcome is unknown, within the bound; the state is what the database did.
     * On an auto-commit pool a put is one statement (a CTE), which is its own commit: that statement is cut; on a
     * pool with auto-commit off, the COMMIT after it.
     */
    @Test
    void aConnectionDroppedAtTheCommitReportsAnUnknownOutcome() throws Exception {
        for (boolean autoCommit : new boolean[] {true, false}) {
            droppedAtTheCommit(autoCommit, autoCommit ? "ver AS (INSERT" : "COMMIT");
        }
    }

    private void droppedAtTheCommit(boolean autoCommit, String commitMarker) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(TestDatabases.postgres().getPort());
             HikariDataSource pool = pool(proxy.port(), autoCommit)) {
            StageManager m = manager(pool);
            String secret = "commit-" + autoCommit + "-" + System.nanoTime();
            m.createSecret("timeouts", secret, SecretValue.ofString("v1-value"));
            for (boolean forwarded : new boolean[] {false, true}) {
                String put = null;
                StageException e = null;
                long millis = 0;
                // A put that passes the proxy without it seeing the marker (no drop happened) is a miss of the
                // harness, not an answer of the store: put again (a new version), at most twice more.
                for (int attempt = 1; e == null; attempt++) {
                    put = "at-commit-" + forwarded + "-" + attempt; // a missed attempt's put stays: another value
                    int dropsBefore = proxy.armedDrops();
                    proxy.dropAtClientChunkContaining(commitMarker, forwarded);
                    long start = System.nanoTime();
                    try {
                        m.putVersion("timeouts", secret, SecretValue.ofString(put));
                    } catch (StageException thrown) {
                        e = thrown;
                    }
                    millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    proxy.disarm();
                    if (e == null) {
                        assertEquals(dropsBefore, proxy.armedDrops(),
                                "a put whose commit was cut (" + commitMarker + ") returned as if it had succeeded");
                        assertTrue(attempt < 3, "the proxy never saw " + commitMarker + " in three puts");
                    }
                }
                String value = put;
                assertEquals(ErrorCode.STORE_FAILURE, e.code());
                assertTrue(e.getCause() instanceof StoreException s && s.ambiguous(),
                        "a commit cut (" + commitMarker + ", forwarded " + forwarded + ") is reported as ambiguous: "
                                + e.getCause());
                assertTrue(e.getCause().getMessage().contains("outcome unknown"), e.getCause().getMessage());
                assertTrue(millis < BOUND_MILLIS, "took " + millis + " ms");
                if (forwarded) { // the database commits what it read before the connection ended
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!eventually(() -> hasValue(m, secret, value)) && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    }
                }
                assertEquals(forwarded, eventually(() -> hasValue(m, secret, value)),
                        "the put is there exactly when its commit reached the database");
            }
        }
    }

    /**
     * A put blocked by another transaction's row lock, with the statement and network timeouts equal (as stagectl's
     * {@code --timeout} and the defaults set them): the connection is waited for past the statement timeout, so the
     * database's answer to the cancel decides the call: STORE_FAILURE with a known outcome, and nothing applied once
     * the lock is released (with the two timeouts ending together the connection could be given up first, leaving
     * the statement to run on the server after the call failed: a put reported failed, applied later).
     */
    @Test
    void aWriteBlockedByARowLockIsCancelledBeforeItsConnectionIsGivenUp() throws Exception {
        List<Integer> networkTimeouts;
        try (HikariDataSource pool = pool(TestDatabases.postgres().getPort())) {
            CountingDataSource recording = new CountingDataSource(pool);
            StageManager m = StageManager.builder().repository(JdbcStageRepository.builder(recording.dataSource)
                    .initializeSchema(true).statementTimeout(TIMEOUT).networkTimeout(TIMEOUT).build()).build();
            String secret = "locked-" + System.nanoTime();
            m.createSecret("timeouts", secret, SecretValue.ofString("one"));
            try (Connection lock = pool.getConnection()) {
                lock.setAutoCommit(false);
                try (PreparedStatement ps = lock.prepareStatement(
                        "SELECT revision FROM ss_secrets WHERE project_id = 'timeouts' AND secret_name = ? FOR UPDATE")) {
                    ps.setString(1, secret);
                    assertTrue(ps.executeQuery().next());
                }
                boolean ambiguous = failsInTime("a put blocked by a row lock",
                        () -> m.putVersion("timeouts", secret, SecretValue.ofString("two")));
                assertFalse(ambiguous, "the statement was cancelled by the database: its outcome is known");
                lock.rollback();
            }
            // a write after the lock is released queues behind any statement still waiting for it on the server
            m.updateStage("timeouts", secret, "blue", "v1", Optional.empty());
            List<VersionMetadata> versions = m.listVersions("timeouts", secret, true);
            assertEquals(1, versions.size(), "the put that failed was applied after the lock was released: "
                    + versions);
            networkTimeouts = recording.networkTimeouts();
        }
        assertFalse(networkTimeouts.isEmpty(), "the store set network timeouts");
        long expected = TIMEOUT.toMillis() + JdbcTransactions.CANCEL_GRACE_MILLIS;
        for (int t : networkTimeouts) {
            assertTrue(t == expected || t == 0, "network timeout " + t + " ms set, expected " + expected
                    + " (or 0, putting a connection back as it was)");
        }
        assertTrue(networkTimeouts.contains((int) expected), networkTimeouts.toString());
    }

    /**
     * Schema creation waits for the advisory lock another node's initialiser holds: the wait is a statement like any
     * other, cancelled by the database at the statement timeout, not left to the network timeout (a dropped
     * connection) or to nothing at all (no network timeout).
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the bound it waits forever
    void schemaCreationWaitingForAnotherNodesSchemaLockEndsAtTheStatementTimeout() throws Exception {
        try (HikariDataSource pool = pool(TestDatabases.postgres().getPort());
             Connection otherNode = pool.getConnection()) {
            otherNode.setAutoCommit(false);
            try (Statement st = otherNode.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(7512938471)"); // PostgresStatements.SCHEMA_LOCK
            }
            long start = System.nanoTime();
            StoreException e = assertThrows(StoreException.class, () -> JdbcStageRepository.builder(pool)
                    .initializeSchema(true).statementTimeout(TIMEOUT).networkTimeout(Duration.ZERO).build());
            long millis = (System.nanoTime() - start) / 1_000_000;
            otherNode.rollback();
            assertTrue(millis < BOUND_MILLIS, "ended after " + millis + " ms");
            assertTrue(millis >= TIMEOUT.toMillis() - 100, "ended after " + millis + " ms, before the timeout: " + e);
            assertTrue(e.getCause() instanceof SQLException sql && "57014".equals(sql.getSQLState()),
                    "cancelled by the database (57014): " + e.getCause());
            JdbcStageRepository.builder(pool).initializeSchema(true).statementTimeout(TIMEOUT).build(); // released
        }
    }

    @Test
    void aNetworkTimeoutNotAboveTheStatementTimeoutEndsOneSecondAfterIt() {
        assertEquals(3_000, JdbcTransactions.effectiveNetworkTimeoutMillis(2, Duration.ofSeconds(2)));
        assertEquals(3_000, JdbcTransactions.effectiveNetworkTimeoutMillis(2, Duration.ofMillis(500)));
        assertEquals(2_001, JdbcTransactions.effectiveNetworkTimeoutMillis(2, Duration.ofMillis(2_001)));
        assertEquals(30_000, JdbcTransactions.effectiveNetworkTimeoutMillis(10, Duration.ofSeconds(30)));
        assertEquals(0, JdbcTransactions.effectiveNetworkTimeoutMillis(10, Duration.ZERO), "none stays none");
        assertEquals(500, JdbcTransactions.effectiveNetworkTimeoutMillis(0, Duration.ofMillis(500)),
                "without a statement timeout the network timeout is as given");
    }

    private static boolean hasValue(StageManager m, String secret, String value) {
        for (VersionMetadata v : m.listVersions("timeouts", secret, true)) {
            if (m.getVersion("timeouts", secret, v.id()).value().string().orElseThrow().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private enum Outcome { OK, FAILED, UNKNOWN }

    /**
     * A server killed (SIGKILL) and restarted on its data directory while three threads create secrets: each create
     * that succeeded is there after the restart, each that failed without an unknown outcome is not, every call
     * ended within the bound, and creates succeed again after the restart.
     */
    @Test
    void aServerKilledAndRestartedUnderLoadKeepsEveryAcknowledgedCreateAndNoFailedOne(@TempDir Path dir)
            throws Exception {
        try (DurablePostgres pg = new DurablePostgres(dir.resolve("pgdata"));
             HikariDataSource pool = pool(pg.port())) {
            StageManager m = manager(pool);
            Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong slowest = new AtomicLong();
            AtomicLong afterRestart = new AtomicLong();
            AtomicBoolean restarted = new AtomicBoolean();
            CountDownLatch warm = new CountDownLatch(30);
            CountDownLatch recovered = new CountDownLatch(30);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String name = "load-" + thread + "-" + i;
                        long start = System.nanoTime();
                        Outcome o;
                        try {
                            m.createSecret("restart", name, SecretValue.ofString("value-" + name));
                            o = Outcome.OK;
                            warm.countDown();
                            if (restarted.get()) {
                                afterRestart.incrementAndGet();
                                recovered.countDown();
                            }
                        } catch (StageException e) {
                            o = e.getCause() instanceof StoreException s && s.ambiguous()
                                    ? Outcome.UNKNOWN : Outcome.FAILED;
                        }
                        slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                        outcomes.put(name, o);
                    }
                });
                worker.start();
                threads.add(worker);
            }
            assertTrue(warm.await(60, TimeUnit.SECONDS), "the load ran");
            pg.kill();
            pg.start();
            restarted.set(true);
            recovered.await(60, TimeUnit.SECONDS); // the assertion below says if it did not
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertTrue(afterRestart.get() >= 30, "creates succeed again after the restart: " + afterRestart.get());
            assertTrue(slowest.get() < BOUND_MILLIS, "the slowest call took " + slowest.get() + " ms");
            long failures = outcomes.values().stream().filter(o -> o != Outcome.OK).count();
            assertTrue(failures > 0, "the kill failed some calls");
            for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
                boolean present;
                try {
                    present = m.getVersion("restart", e.getKey(), "v1").value().string().orElseThrow()
                            .equals("value-" + e.getKey());
                } catch (StageException notFound) {
                    assertEquals(ErrorCode.SECRET_NOT_FOUND, notFound.code());
                    present = false;
                }
                if (e.getValue() == Outcome.OK) {
                    assertTrue(present, "an acknowledged create is gone after the restart: " + e.getKey());
                } else if (e.getValue() == Outcome.FAILED) {
                    assertFalse(present, "a create that failed (outcome known) is there: " + e.getKey());
                }
            }
            System.out.printf("server restart under load: %d creates, %d failed (%d with an unknown outcome),"
                            + " %d after the restart, slowest call %d ms%n", outcomes.size(), failures,
                    outcomes.values().stream().filter(o -> o == Outcome.UNKNOWN).count(), afterRestart.get(),
                    slowest.get());
        }
    }
}
