package io.secretstages.store.jdbc;

import io.secretstages.spi.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The store's one transaction template: take a connection, set its network timeout, run the statement(s) (each
 * with the statement timeout), commit or roll back, put the connection back as it was and close it. It also
 * classifies failures once: a lost race (serialization failure, deadlock, the dialect's own codes) is a lost race;
 * any other SQL failure is a {@link StoreException}, {@linkplain StoreException#ambiguous() ambiguous} only when
 * the connection failed while a commit was awaited. Works over any pool, auto-commit on or off.
 */
final class JdbcTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStageRepository.class);
    /** Attempts of a read refused as a serialization conflict (a read has no effect: repeating it is safe). */
    private static final int READ_ATTEMPTS = 10;
    /** Runs a driver's abort of a timed-out connection on the driver's own thread. */
    private static final Executor ON_DRIVER_THREAD = Runnable::run;

    /** What the work is, which decides where the transaction's boundaries are. */
    enum Shape {
        /** Queries only: never committed (a read transaction of an auto-commit-off pool is rolled back). */
        READ,
        /** One write statement, atomic on its own: on an auto-commit connection it is its own commit. */
        ONE_STATEMENT,
        /** Several statements in one transaction (auto-commit is switched off for it and back on after). */
        TRANSACTION
    }

    /** Statements on a connection the template manages. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** An SQL failure of one attempt, and whether a commit was awaited when it came. */
    private static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient SQLException sql;
        final boolean ambiguous;

        Failed(SQLException sql, boolean ambiguous) {
            super(null, null, false, false);
            this.sql = sql;
            this.ambiguous = ambiguous;
        }
    }

    /** How long after a statement timeout's cancel the connection is still waited for (see below). */
    static final long CANCEL_GRACE_MILLIS = 1_000;

    private final DataSource dataSource;
    private final DialectStatements dialect;
    private final int statementTimeoutSeconds;
    /** {@link DialectStatements#queryTimeoutIsSessionSetting}. */
    private final boolean timeoutOnSession;
    private final int networkTimeoutMillis;
    /** Set when the driver has no network timeout (in-process databases: H2 embedded, SQLite). */
    private volatile boolean networkTimeoutUnsupported;

    JdbcTransactions(DataSource dataSource, DialectStatements dialect, Duration statementTimeout,
                     Duration networkTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.timeoutOnSession = dialect.queryTimeoutIsSessionSetting();
        this.statementTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (statementTimeout.toMillis() + 999) / 1000);
        this.networkTimeoutMillis = effectiveNetworkTimeoutMillis(statementTimeoutSeconds, networkTimeout);
    }

    /**
     * The network timeout set on connections: the one given, unless it would end the wait no later than the statement
     * timeout's cancel, in which case {@link #CANCEL_GRACE_MILLIS} after the statement timeout. At a statement
     * timeout the driver asks the database to cancel the statement, and the cancellation's answer takes a moment to
     * come back: with the two timeouts equal, the connection could be closed first, and a statement left waiting for
     * a lock on the server then runs to its end after the call has failed (measured: a put blocked by a row lock,
     * reported as an unknown outcome, applied once the lock was released). The cancel must win for a statement the
     * database still answers for; the network timeout is for a database that has gone silent.
     *
     * @param statementTimeoutSeconds the statement timeout, whole seconds (0: none)
     * @param networkTimeout the network timeout asked for (zero: none)
     * @return milliseconds (0: none)
     */
    static int effectiveNetworkTimeoutMillis(int statementTimeoutSeconds, Duration networkTimeout) {
        long network = networkTimeout.toMillis();
        long statement = statementTimeoutSeconds * 1000L;
        if (network > 0 && statement > 0 && network <= statement) {
            network = statement + CANCEL_GRACE_MILLIS;
        }
        return (int) Math.min(Integer.MAX_VALUE, network);
    }

    /**
     * A read. At SERIALIZABLE (CockroachDB, YugabyteDB, PostgreSQL so configured) a read can lose a race too
     * (40001): it is read again, a few times.
     *
     * @param what what it does, for the failure's message
     * @param work the queries
     * @return what the work returned
     * @throws StoreException if it failed (never ambiguous)
     */
    <T> T read(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(what, Shape.READ, work, result -> false);
            } catch (Failed f) {
                if (attempt < READ_ATTEMPTS && dialect.isLostRace(f.sql)) {
                    LOG.debug("a read lost a race in the database ({}), reading again", f.sql.getSQLState());
                    // back off 0-2 ms per attempt, with jitter, so that the writers it conflicts with finish
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000L * attempt));
                    continue;
                }
                throw failure(what, f.sql, false);
            }
        }
    }

    /**
     * A write, committed if the work returns true, rolled back if it returns false (the revision check found
     * another revision) or fails.
     *
     * @param what what it does, for the failure's message
     * @param shape {@link Shape#ONE_STATEMENT} or {@link Shape#TRANSACTION}
     * @param work the statements; true to commit
     * @return whether it was committed; false also when the database reported a lost race
     * @throws StoreException if it failed, {@linkplain StoreException#ambiguous() ambiguous} if it may have committed
     */
    boolean write(String what, Shape shape, Work<Boolean> work) {
        try {
            return attempt(what, shape, work, applied -> applied);
        } catch (Failed f) {
            if (dialect.isLostRace(f.sql)) {
                LOG.debug("lost a race in the database ({}), will retry", f.sql.getSQLState());
                return false;
            }
            // before the commit a lost connection rolls the transaction back; during it, nobody knows
            throw failure(what, f.sql, f.ambiguous);
        }
    }

    /** The template itself: connection, timeouts, work, commit or rollback, restore, close. */
    private <T> T attempt(String what, Shape shape, Work<T> work, Predicate<T> commits) throws Failed {
        Connection c = connect(what);
        int previousTimeout = setNetworkTimeout(c);
        boolean switchedOff = false;
        boolean inTransaction = false;
        boolean commitSent = false;
        try {
            boolean autoCommit = c.getAutoCommit();
            if (shape == Shape.TRANSACTION && autoCommit) {
                c.setAutoCommit(false);
                switchedOff = true;
            }
            inTransaction = switchedOff || !autoCommit;
            commitSent = shape == Shape.ONE_STATEMENT && !inTransaction; // the statement is its own commit
            T result = work.run(c);
            if (inTransaction) {
                if (commits.test(result)) {
                    commitSent = true;
                    c.commit();
                } else {
                    c.rollback();
                }
            }
            return result;
        } catch (SQLException e) {
            if (inTransaction) {
                rollbackQuietly(c, e);
            }
            throw new Failed(e, commitSent && outcomeUnknown(e));
        } catch (RuntimeException | Error e) {
            if (inTransaction) {
                rollbackQuietly(c, e);
            }
            throw e;
        } finally {
            if (switchedOff) {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    LOG.debug("could not restore auto-commit", e);
                }
            }
            release(c, previousTimeout); // the outcome is decided: a failing close must not turn it into an error
        }
    }

    /**
     * Prepares a statement with the statement timeout in force. Where the timeout is a setting of the session
     * ({@link DialectStatements#queryTimeoutIsSessionSetting}, H2) it is set only if the session's differs: setting
     * it costs H2 a {@code SET} that throws away every parsed statement; the statement runs with it either way.
     *
     * @param c a connection of this template's work
     * @param statement one of the store's constant statements
     * @return it prepared, with the statement timeout
     * @throws SQLException if the driver refused it
     */
    PreparedStatement prepare(Connection c, String statement) throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        if (statementTimeoutSeconds > 0
                && !(timeoutOnSession && ps.getQueryTimeout() == statementTimeoutSeconds)) {
            ps.setQueryTimeout(statementTimeoutSeconds);
        }
        return ps;
    }

    /**
     * Creates a plain statement (for the schema's DDL, which is not a constant prepared statement) with the statement
     * timeout in force, so that waiting for another node's schema lock is bounded like every other statement.
     *
     * @param c a connection of this template's work
     * @return the statement
     * @throws SQLException if the driver refused it
     */
    Statement createStatement(Connection c) throws SQLException {
        Statement st = c.createStatement();
        if (statementTimeoutSeconds > 0) {
            st.setQueryTimeout(statementTimeoutSeconds);
        }
        return st;
    }

    /**
     * @return whether a failure of a commit (or of an auto-commit statement) leaves its outcome unknown: the
     *         connection failed (SQLState class 08, or none) while the answer was awaited. A statement the database
     *         refused or cancelled (it answered) was rolled back.
     */
    private static boolean outcomeUnknown(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || e instanceof SQLRecoverableException
                || e instanceof SQLTimeoutException && !"57014".equals(state);
    }

    private Connection connect(String what) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw failure(what + " (no connection)", e, false);
        }
    }

    /** @return the connection's network timeout before, or -1 if it was left alone */
    private int setNetworkTimeout(Connection c) {
        if (networkTimeoutMillis == 0 || networkTimeoutUnsupported) {
            return -1;
        }
        try {
            int previous = c.getNetworkTimeout();
            c.setNetworkTimeout(ON_DRIVER_THREAD, networkTimeoutMillis);
            return previous;
        } catch (SQLFeatureNotSupportedException e) {
            networkTimeoutUnsupported = true;
            LOG.debug("the JDBC driver has no network timeout ({}): calls are bounded by the statement timeout",
                    dialect.dialect());
            return -1;
        } catch (SQLException e) {
            LOG.debug("could not set the network timeout", e);
            return -1;
        }
    }

    /** Puts the network timeout back as it was and closes: the outcome is decided, a failure here changes nothing. */
    private static void release(Connection c, int previousTimeout) {
        if (previousTimeout >= 0) {
            try {
                if (!c.isClosed()) {
                    c.setNetworkTimeout(ON_DRIVER_THREAD, previousTimeout);
                }
            } catch (SQLException e) {
                LOG.debug("could not restore the network timeout", e);
            }
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("could not close a connection", e);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static StoreException failure(String what, SQLException e, boolean ambiguous) {
        return new StoreException("JDBC store failed to " + what + (ambiguous ? ", outcome unknown" : "")
                + " (SQLState " + e.getSQLState() + ", error code " + e.getErrorCode() + ")", e, ambiguous);
    }
}
