package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * H2 keeps the query timeout on the session, and each {@code setQueryTimeout} there is a {@code SET} that empties
 * the parsed-statement cache of every session: the store sets it once per connection, not once per statement.
 * These tests pin that (through a pool of one connection: the driver is asked to set it only when the session's
 * differs, and every statement the store executes runs with it) and that every call stays bounded (R21): a statement
 * that runs too long is cancelled by the session's timeout, and one waiting for a row lock another connection holds
 * ends (H2's LOCK_TIMEOUT, then the call's deadline) with STORE_FAILURE.
 */
class H2QueryTimeoutTest {
    private final String url = "jdbc:h2:mem:qt-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=500";
    private final HikariDataSource pool = onePhysicalConnection(url);
    private final TimeoutRecorder recorder = new TimeoutRecorder(pool);

    @AfterEach
    void close() {
        pool.close();
    }

    private static HikariDataSource onePhysicalConnection(String url) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaximumPoolSize(1);
        return ds;
    }

    private StageManager manager(Duration statementTimeout, Duration callTimeout) {
        return StageManager.builder().callTimeout(callTimeout).repository(JdbcStageRepository.builder(recorder.dataSource)
                .initializeSchema(true).statementTimeout(statementTimeout).build()).build();
    }

    @Test
    void theTimeoutIsSetOncePerSession_andEveryStatementRunsWithIt() throws SQLException {
        StageManager m = manager(Duration.ofSeconds(7), Duration.ofSeconds(30));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        for (int i = 0; i < 5; i++) {
            m.putVersion("p", "s", SecretValue.ofString("v" + i));
            m.getStage("p", "s", "SYSCURRENT");
        }
        m.updateStage("p", "s", "blue", "v1");
        m.getVersion("p", "s", "latest");
        assertEquals(1, recorder.sets.get(), "one SET QUERY_TIMEOUT for the one session (the schema's statement set"
                + " it), not one per statement");
        assertTrue(recorder.executedWith.size() >= 12, "statements executed: " + recorder.executedWith.size());
        assertTrue(recorder.executedWith.stream().allMatch(t -> t == 7), "timeouts in force: " + recorder.executedWith);

        // another borrower of the pooled connection changes the session's timeout: the store sets its own again
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(0);
        }
        recorder.executedWith.clear();
        m.getStage("p", "s", "blue");
        m.putVersion("p", "s", SecretValue.ofString("after"));
        assertEquals(2, recorder.sets.get(), "set again once, because the session's differed");
        assertFalse(recorder.executedWith.isEmpty());
        assertTrue(recorder.executedWith.stream().allMatch(t -> t == 7), "timeouts in force: " + recorder.executedWith);
    }

    @Test
    void aStatementRunningTooLong_isCancelledByTheSessionTimeout() {
        StageManager m = manager(Duration.ofSeconds(1), Duration.ofSeconds(30));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        int setsBefore = recorder.sets.get();
        assertEquals(1, setsBefore);
        TestDatabases.execute(pool, "CREATE TRIGGER slow BEFORE UPDATE ON ss_secrets FOR EACH ROW CALL '"
                + SlowTrigger.class.getName() + "'");

        long start = System.nanoTime();
        StageException e = assertThrows(StageException.class, () -> m.updateStage("p", "s", "blue", "v1"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ErrorCode.STORE_FAILURE, e.code(), e.toString());
        assertTrue(millis < 6_000, "cancelled after the 1 s statement timeout, not the 30 s call deadline: " + millis);
        assertEquals(setsBefore, recorder.sets.get(), "the session's timeout, set by an earlier call, bounded it");

        TestDatabases.execute(pool, "DROP TRIGGER slow");
        StageException none = assertThrows(StageException.class, () -> m.getStage("p", "s", "blue"));
        assertEquals(ErrorCode.STAGE_NOT_FOUND, none.code(), "the cancelled update left nothing");
    }

    @Test
    void aWaitForARowLock_endsWithinTheCallDeadline() throws SQLException {
        Duration callTimeout = Duration.ofSeconds(2);
        StageManager m = manager(Duration.ofSeconds(1), callTimeout);
        m.createSecret("p", "s", SecretValue.ofString("one"));
        try (Connection holder = DriverManager.getConnection(url, "sa", "")) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                assertEquals(1, st.executeUpdate("UPDATE ss_secrets SET revision = revision WHERE secret_name = 's'"));
            }
            long start = System.nanoTime();
            StageException e = assertThrows(StageException.class, () -> m.updateStage("p", "s", "blue", "v1"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ErrorCode.STORE_FAILURE, e.code(), e.toString());
            // the deadline, plus at most one lock wait (LOCK_TIMEOUT=500) begun just before it, plus a margin
            assertTrue(millis < callTimeout.toMillis() + 500 + 3_000, "ended after " + millis + " ms");
            holder.rollback();
        }
        m.updateStage("p", "s", "blue", "v1");
        assertEquals("v1", m.getStage("p", "s", "blue").versionId(), "the lock released, the next call works");
    }

    /** A trigger that keeps its statement running until the session's query timeout cancels it. */
    public static final class SlowTrigger implements org.h2.api.Trigger {
        @Override
        public void fire(Connection c, Object[] oldRow, Object[] newRow) throws SQLException {
            try (Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT SUM(X) FROM SYSTEM_RANGE(1, 9000000000000)")) {
                rs.next();
            }
        }
    }

    /**
     * Wraps a data source: counts {@code setQueryTimeout} calls on the statements the store prepares or creates (the
     * schema's DDL runs on a plain statement) and records, at each execution of a prepared one, the timeout in force
     * ({@code getQueryTimeout}: on H2, the session's). Test code.
     */
    static final class TimeoutRecorder {
        final AtomicInteger sets = new AtomicInteger();
        final List<Integer> executedWith = new ArrayList<>();
        final DataSource dataSource;

        TimeoutRecorder(DataSource target) {
            dataSource = proxy(DataSource.class, target);
        }

        @SuppressWarnings("unchecked")
        private <T> T proxy(Class<T> type, T target) {
            InvocationHandler h = (p, method, args) -> {
                String name = method.getName();
                if (target instanceof Statement && name.equals("setQueryTimeout")) {
                    sets.incrementAndGet();
                } else if (target instanceof PreparedStatement ps) {
                    if (name.startsWith("execute")) {
                        synchronized (executedWith) {
                            executedWith.add(ps.getQueryTimeout());
                        }
                    }
                }
                Object result;
                try {
                    result = method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (result instanceof PreparedStatement ps) {
                    return proxy(PreparedStatement.class, ps);
                }
                if (result instanceof Statement st) {
                    return proxy(Statement.class, st);
                }
                if (result instanceof Connection c) {
                    return proxy(Connection.class, c);
                }
                return result;
            };
            return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h);
        }
    }
}
