package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.spi.VersionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * A {@link StageRepository} over plain JDBC: SQLite (the embedded default), H2 and PostgreSQL, detected from the
 * connection.
 * Safe for any number of repositories, in one JVM or many, over one database: the database is the only coordination.
 *
 * <p><b>Schema.</b> Three tables ({@code ss_secrets} with a revision, create and deletion times (R8) and a
 * description (R23), {@code ss_versions} with values written once and an expiry time (R24),
 * {@code ss_stages}); the DDL ships as classpath resources {@code /io/secretstages/store/jdbc/schema-h2.sql},
 * {@code schema-sqlite.sql} and {@code schema-postgresql.sql}. Apply it with your migration tool, or let {@link Builder#initializeSchema(boolean)}
 * apply it (idempotently) at build time; it also upgrades tables of an earlier release in place (missing columns
 * are added).
 *
 * <p><b>Transactions.</b> Every write is one transaction that starts with a compare-and-set on the secret's revision
 * ({@code UPDATE ... WHERE revision = ?}, which also locks the row): 0 rows means another writer won, the
 * transaction is rolled back and {@code false} returned, and {@code StageManager} reloads and retries. Only the rows
 * that change are written; values are never rewritten. Any SQL failure rolls back and is thrown as a
 * {@link StoreException} (the cause attached, no values in the message); a failure of the commit itself (or of
 * a single statement on an auto-commit connection) is {@link StoreException#ambiguous() ambiguous}. Connections are always closed and their auto-commit mode restored, so any
 * pool works, with auto-commit on or off.
 *
 * <p><b>Round trips</b> (PostgreSQL, auto-commit connections): a read of a secret is one query, of one stage one
 * single-row query; a value one query; a
 * stage move or a stage delete is one statement (a CTE does the revision check and the stage rows together); a new
 * version is the revision update, the version insert, one batch of stage rows and the commit, plus one batch of
 * deletes at the version limit. On H2 (in-process, no network) stage moves take the general transaction. All
 * statements are constant prepared statements.
 *
 * <p><b>Durability.</b> {@link Builder#build()} refuses an embedded database that can lose a commit it acknowledged
 * when the process crashes (an H2 file with {@code WRITE_DELAY} above 0, H2's default; an SQLite file not in WAL mode
 * with {@code synchronous=FULL}), unless {@link Builder#allowDelayedWrites(boolean)}; open one with
 * {@link DurableJdbcUrl}. <b>Deadlines.</b> Every statement has a {@linkplain Builder#statementTimeout timeout} and
 * every connection a {@linkplain Builder#networkTimeout network timeout} (10 s each by default); a failure after a
 * commit was sent is a {@link StoreException} whose {@link StoreException#ambiguous()} is true.
 */
public final class JdbcStageRepository implements StageRepository {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStageRepository.class);
    /** Attempts of a read refused as a serialization conflict (a read has no effect: repeating it is safe). */
    private static final int READ_ATTEMPTS = 10;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");
    private static final String DEFAULT_PREFIX = "ss_";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Runs a driver's abort of a timed-out connection on the driver's own thread. */
    private static final Executor ON_DRIVER_THREAD = Runnable::run;

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final Statements sql;
    private final int statementTimeoutSeconds;
    private final int networkTimeoutMillis;
    /** Set when the driver has no network timeout (in-process databases: H2 embedded, SQLite). */
    private volatile boolean networkTimeoutUnsupported;

    private JdbcStageRepository(DataSource dataSource, SqlDialect dialect, String prefix, Duration statementTimeout,
                                Duration networkTimeout) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.sql = new Statements(prefix, dialect);
        this.statementTimeoutSeconds = (int) Math.min(Integer.MAX_VALUE,
                (statementTimeout.toMillis() + 999) / 1000);
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout.toMillis());
    }

    /**
     * @param dataSource where the tables are; any pool, auto-commit on or off
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Configures a {@link JdbcStageRepository}. */
    public static final class Builder {
        private final DataSource dataSource;
        private boolean initializeSchema;
        private String tablePrefix = DEFAULT_PREFIX;
        private SqlDialect dialect;
        private boolean allowDelayedWrites;
        private Duration statementTimeout = DEFAULT_TIMEOUT;
        private Duration networkTimeout = DEFAULT_TIMEOUT;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param initialize whether {@link #build()} creates the tables if they do not exist (default false: apply
         *                   the shipped DDL yourself or with your migration tool)
         * @return this builder
         */
        public Builder initializeSchema(boolean initialize) {
            this.initializeSchema = initialize;
            return this;
        }

        /**
         * @param prefix the table-name prefix (default {@code ss_}): a letter, then up to 39 letters, digits or
         *               underscores
         * @return this builder
         * @throws IllegalArgumentException if the prefix is not of that form
         */
        public Builder tablePrefix(String prefix) {
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("table prefix must match " + PREFIX.pattern());
            }
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * @param dialect the database's dialect, instead of detecting it from the connection metadata
         * @return this builder
         */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The longest one SQL statement may run ({@link Statement#setQueryTimeout}, whole seconds, rounded up): past
         * it the driver asks the database to cancel the statement, and the call fails with a
         * {@link StoreException} that left no trace (a cancelled statement is rolled back). It bounds a statement
         * that runs or waits for a lock too long, on a database that still answers; it cannot bound a wait for a
         * database that has gone silent (that is {@link #networkTimeout}). Zero: no limit. Default 10 s.
         *
         * @param timeout the limit, zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = nonNegative(timeout, "statementTimeout");
            return this;
        }

        /**
         * The longest the store waits for the database to answer on a connection
         * ({@link Connection#setNetworkTimeout}, set on each connection it takes from the data source and put back
         * as it was before the connection is returned): past it the driver closes the connection and the call fails
         * with a {@link StoreException}, {@linkplain StoreException#ambiguous() ambiguous} if it was waiting for a
         * commit. It bounds a database or network that has gone silent (a server frozen, a firewall dropping
         * packets). Keep it at or above {@link #statementTimeout}, so that a slow statement is cancelled first. In
         * process databases (H2 embedded, SQLite) have no network and ignore it. It does not bound taking a
         * connection from the pool: that is the pool's own timeout (HikariCP's {@code connectionTimeout}). Zero: no
         * limit. Default 10 s.
         *
         * @param timeout the limit, zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder networkTimeout(Duration timeout) {
            this.networkTimeout = nonNegative(timeout, "networkTimeout");
            return this;
        }

        private static Duration nonNegative(Duration timeout, String name) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException(name + " must be zero or positive: " + timeout);
            }
            return timeout;
        }

        /**
         * Whether {@link #build()} accepts a database that can lose acknowledged commits when the process crashes: an
         * H2 file database with a {@code WRITE_DELAY} above 0 (H2's default is 500 ms), an SQLite file not in WAL
         * mode with {@code synchronous=FULL}. Default false: {@link #build()} refuses such a database, naming the
         * fix ({@link DurableJdbcUrl#of} applied to its URL). True logs the same text as a WARN and goes on: for
         * throwaway data only, since every change acknowledged in the delay window is gone after a crash (I6 in
         * docs/rules.md).
         * With a {@link #dialect} set as well, {@link #build()} makes no connection and checks nothing.
         *
         * @param allow whether to accept such a database
         * @return this builder
         */
        public Builder allowDelayedWrites(boolean allow) {
            this.allowDelayedWrites = allow;
            return this;
        }

        /** What one connection at build time told: the dialect, and what can lose commits (null: nothing). */
        private record Inspection(SqlDialect dialect, String problem) {
        }

        private Inspection inspect(SqlDialect given) {
            SqlDialect d = given;
            try (Connection c = dataSource.getConnection()) {
                if (d == null) {
                    d = SqlDialect.forProduct(c.getMetaData().getDatabaseProductName());
                }
                String problem = d.durabilityProblem(c);
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return new Inspection(d, problem);
            } catch (SQLException e) {
                throw new StoreException(d == null ? "cannot detect the database product"
                        : "cannot check the " + d.name() + " database's durability settings", e);
            }
        }

        /**
         * Detects the dialect (unless set), checks that the database keeps what it acknowledged (see
         * {@link #allowDelayedWrites(boolean)}), and applies the schema if asked.
         *
         * @return the repository
         * @throws StoreException if the database cannot be reached (to detect the dialect or create the schema), or
         *                        can lose acknowledged commits and {@link #allowDelayedWrites(boolean)} was not set
         * @throws IllegalArgumentException if the database is not supported and no dialect was set
         */
        public JdbcStageRepository build() {
            SqlDialect d = dialect;
            String problem = null;
            if (d == null || !allowDelayedWrites) { // both set: taken on trust, build() connects to nothing
                Inspection found = inspect(d);
                d = found.dialect();
                problem = found.problem();
            }
            if (problem != null) {
                if (!allowDelayedWrites) {
                    throw new StoreException("refusing a database that can lose acknowledged writes: " + problem
                            + " (or accept it with JdbcStageRepository.Builder.allowDelayedWrites(true))");
                }
                LOG.warn("this database can lose acknowledged writes: {}", problem);
            }
            JdbcStageRepository repository = new JdbcStageRepository(dataSource, d, tablePrefix, statementTimeout,
                    networkTimeout);
            if (initializeSchema) {
                repository.initializeSchema(tablePrefix);
            }
            return repository;
        }
    }

    /** @return the SQL dialect in use */
    public SqlDialect dialect() {
        return dialect;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        return query("read a secret", sql.loadSecret, ps -> bindKey(ps, key),
                rs -> rs.next() ? Optional.of(snapshot(key, rs)) : Optional.empty());
    }

    /** Rows: one per version, and one more per further stage that version holds, in version order. */
    private static SecretSnapshot snapshot(SecretKey key, ResultSet rs) throws SQLException {
        long revision = rs.getLong(1);
        long last = rs.getLong(2);
        List<VersionRecord> versions = new ArrayList<>();
        Map<String, StageRecord> stages = new HashMap<>();
        Instant createTime = instantOrNull(rs, 8);
        Instant deletionTime = instantOrNull(rs, 9);
        String description = textOrEmpty(rs, 11);
        long previous = -1;
        do {
            long number = rs.getLong(3);
            if (rs.wasNull()) {
                continue;
            }
            if (number != previous) {
                versions.add(new VersionRecord(number, Instant.ofEpochMilli(rs.getLong(4)), rs.getString(7),
                        instantOrNull(rs, 10)));
                previous = number;
            }
            String stage = rs.getString(5);
            if (stage != null) {
                stages.put(stage, new StageRecord(stage, number, Instant.ofEpochMilli(rs.getLong(6))));
            }
        } while (rs.next());
        if (createTime == null) { // a row from before the column existed that the schema update did not fill
            createTime = versions.isEmpty() ? Instant.EPOCH : versions.get(0).createTime();
        }
        return new SecretSnapshot(key, revision, last, versions, stages, createTime, deletionTime, description);
    }

    private static String textOrEmpty(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? "" : text;
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static SecretRecord secretRecord(SecretKey key, ResultSet rs, int firstColumn) throws SQLException {
        Instant created = instantOrNull(rs, firstColumn + 1);
        return new SecretRecord(key, rs.getLong(firstColumn), created == null ? Instant.EPOCH : created,
                instantOrNull(rs, firstColumn + 2), textOrEmpty(rs, firstColumn + 3));
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        return query("read a stage", sql.loadStage, ps -> {
            ps.setString(1, stageName);
            ps.setString(2, key.projectId());
            ps.setString(3, key.secretName());
        }, rs -> {
            if (!rs.next()) {
                return StageLookup.SECRET_NOT_FOUND;
            }
            long number = rs.getLong(1);
            StageRecord stage = rs.wasNull() ? null
                    : new StageRecord(stageName, number, Instant.ofEpochMilli(rs.getLong(2)));
            Instant deletion = instantOrNull(rs, 3);
            return stage == null && deletion == null ? StageLookup.STAGE_NOT_FOUND
                    : new StageLookup(true, stage, deletion);
        });
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        return query("read a value", sql.loadValue, ps -> {
            bindKey(ps, snapshot.key());
            ps.setLong(3, versionNumber);
        }, rs -> rs.next() ? Optional.of(SecretValue.fromBytes(rs.getBoolean(1), rs.getBytes(2))) : Optional.empty());
    }

    @FunctionalInterface
    private interface Parameters {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /**
     * The one read template: connection, one query, end the read transaction if auto-commit is off, close. At
     * SERIALIZABLE (CockroachDB, YugabyteDB, PostgreSQL so configured) a read can lose a race too (40001): it is
     * read again, a few times.
     */
    private <T> T query(String what, String statement, Parameters parameters, Rows<T> rows) {
        for (int attempt = 1; ; attempt++) {
            Connection c = connect(what);
            int previousTimeout = setNetworkTimeout(c);
            try {
                T result;
                try (PreparedStatement ps = prepare(c, statement)) {
                    parameters.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        result = rows.read(rs);
                    }
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return result;
            } catch (SQLException e) {
                if (attempt < READ_ATTEMPTS && dialect.isLostRace(e)) {
                    LOG.debug("a read lost a race in the database ({}), reading again", e.getSQLState());
                    // back off 0-2 ms per attempt, with jitter, so that the writers it conflicts with finish
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000L * attempt));
                    continue;
                }
                throw failure(what, e, false);
            } finally {
                release(c, previousTimeout);
            }
        }
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
                    dialect.name());
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
        closeQuietly(c);
    }

    private PreparedStatement prepare(Connection c, String statement) throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        if (statementTimeoutSeconds > 0) {
            ps.setQueryTimeout(statementTimeoutSeconds);
        }
        return ps;
    }

    // ------------------------------------------------------------------ writes

    /** Revisions are counted: 1 on create, one more per change ({@link SecretChange#result()} as proposed). */
    @Override
    public OptionalLong apply(SecretChange change) {
        OptionalLong next = OptionalLong.of(change.expectedRevision() + 1);
        if (change.stagesOnly() && change.detachedStages().isEmpty() && sql.attachStages != null) {
            return applyInOneStatement(change, sql.attachStages) ? next : OptionalLong.empty();
        }
        if (change.stagesOnly() && change.attachedStages().isEmpty() && sql.detachStages != null) {
            return applyInOneStatement(change, sql.detachStages) ? next : OptionalLong.empty();
        }
        boolean applied = inTransaction("apply a change", c -> {
            SecretKey key = change.key();
            if (change.creates()) {
                try (PreparedStatement ps = prepare(c, sql.insertSecret)) {
                    bindKey(ps, key);
                    ps.setLong(3, change.result().lastVersionNumber());
                    ps.setLong(4, change.result().createTime().toEpochMilli());
                    ps.setString(5, change.result().description());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        return false; // the secret exists
                    }
                    throw e;
                }
            } else if (!compareAndSet(c, key, change.expectedRevision(), change.result())) {
                return false;
            }
            if (change.newVersion().isPresent()) {
                NewVersion v = change.newVersion().get();
                try (PreparedStatement ps = prepare(c, sql.insertVersion)) {
                    bindKey(ps, key);
                    ps.setLong(3, v.number());
                    ps.setLong(4, v.createTime().toEpochMilli());
                    ps.setBoolean(5, v.value().isString());
                    ps.setBytes(6, v.value().toBytes());
                    ps.setString(7, v.clientToken());
                    setMillisOrNull(ps, 8, v.expireTime());
                    ps.executeUpdate();
                }
            }
            batch(c, sql.upsertStage, key, change.attachedStages(), (ps, st) -> {
                ps.setString(3, st.name());
                ps.setLong(4, st.versionNumber());
                ps.setLong(5, st.updateTime().toEpochMilli());
            });
            batch(c, sql.deleteStage, key, change.detachedStages(), (ps, name) -> ps.setString(3, name));
            batch(c, sql.deleteVersion, key, change.removedVersions(), (ps, n) -> ps.setLong(3, n));
            if (!change.updatedVersions().isEmpty()) {
                updateExpireTimes(c, key, change.updatedVersions());
            }
            return true;
        });
        return applied ? (change.creates() ? OptionalLong.of(1) : next) : OptionalLong.empty();
    }

    /** R24: the updated versions' expiry times, in one batch (the SET parameter comes before the key here). */
    private void updateExpireTimes(Connection c, SecretKey key, List<VersionRecord> versions) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.updateExpireTime)) {
            for (VersionRecord v : versions) {
                setMillisOrNull(ps, 1, v.expireTime());
                bindKey(ps, 2, key);
                ps.setLong(4, v.number());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            if (counts.length != versions.size()) {
                throw new SQLException("batch ran " + counts.length + " of " + versions.size() + " statements");
            }
        }
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        SecretKey key = base.key();
        return inTransaction("delete a secret", c -> {
            if (!compareAndSet(c, key, base.revision(), base)) {
                return false;
            }
            for (String statement : List.of(sql.deleteAllStages, sql.deleteAllVersions, sql.deleteSecret)) {
                try (PreparedStatement ps = prepare(c, statement)) {
                    bindKey(ps, key);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        base.checkRewrite(values);
        SecretKey key = base.key();
        boolean applied = inTransaction("rewrite values", c -> {
            if (!compareAndSet(c, key, base.revision(), base)) {
                return false;
            }
            try (PreparedStatement ps = prepare(c, sql.rewriteValue)) {
                for (Map.Entry<Long, SecretValue> e : values.entrySet()) {
                    ps.setBoolean(1, e.getValue().isString());
                    ps.setBytes(2, e.getValue().toBytes());
                    bindKey(ps, 3, key);
                    ps.setLong(5, e.getKey());
                    if (ps.executeUpdate() != 1) {
                        return false; // the version went: roll back
                    }
                }
            }
            return true;
        });
        return applied ? OptionalLong.of(base.revision() + 1) : OptionalLong.empty();
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        return query("list secrets", sql.listSecrets, ps -> {
            ps.setString(1, projectId);
            ps.setString(2, afterName == null ? "" : afterName);
            ps.setLong(3, activeAt.toEpochMilli());
            ps.setInt(4, limit);
        }, rs -> {
            List<SecretRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(secretRecord(new SecretKey(projectId, rs.getString(1)), rs, 2));
            }
            return out;
        });
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return query("find secrets due for deletion", sql.listDeletionsDue, ps -> {
            ps.setLong(1, asOf.toEpochMilli());
            ps.setInt(2, limit);
        }, rs -> {
            List<SecretRecord> out = new ArrayList<>();
            while (rs.next()) {
                out.add(secretRecord(new SecretKey(rs.getString(1), rs.getString(2)), rs, 3));
            }
            return out;
        });
    }

    /**
     * A stage-only change as one statement that also checks the revision: one round trip on an auto-commit
     * connection (a statement is atomic on its own), plus the commit otherwise. It changed rows only if the
     * revision matched, since the plan attaches or detaches at least one stage.
     */
    private boolean applyInOneStatement(SecretChange change, String statement) {
        Connection c = connect("apply a change");
        int previousTimeout = setNetworkTimeout(c);
        boolean autoCommit = true;
        boolean commitSent = false;
        try {
            autoCommit = c.getAutoCommit();
            boolean applied;
            try (PreparedStatement ps = prepare(c, statement)) {
                bindKey(ps, change.key());
                ps.setLong(3, change.expectedRevision());
                if (change.detachedStages().isEmpty()) {
                    List<StageRecord> attached = change.attachedStages();
                    String[] names = new String[attached.size()];
                    Long[] versionNumbers = new Long[attached.size()];
                    Long[] times = new Long[attached.size()];
                    for (int i = 0; i < names.length; i++) {
                        names[i] = attached.get(i).name();
                        versionNumbers[i] = attached.get(i).versionNumber();
                        times[i] = attached.get(i).updateTime().toEpochMilli();
                    }
                    ps.setArray(4, c.createArrayOf("varchar", names));
                    ps.setArray(5, c.createArrayOf("bigint", versionNumbers));
                    ps.setArray(6, c.createArrayOf("bigint", times));
                } else {
                    ps.setArray(4, c.createArrayOf("varchar", change.detachedStages().toArray(new String[0])));
                }
                commitSent = autoCommit; // on auto-commit the statement is its own commit
                applied = ps.executeUpdate() > 0;
            }
            if (!autoCommit) {
                if (applied) {
                    commitSent = true;
                    c.commit();
                } else {
                    c.rollback();
                }
            }
            return applied;
        } catch (SQLException e) {
            if (!autoCommit) {
                rollbackQuietly(c, e);
            }
            if (dialect.isLostRace(e)) {
                return false;
            }
            throw failure("apply a change", e, commitSent && outcomeUnknown(e));
        } finally {
            release(c, previousTimeout); // the outcome is decided: a failing close must not turn it into an error
        }
    }

    /**
     * @return whether a failure of a commit (or of an auto-commit statement) leaves its outcome unknown: the
     *         connection failed (SQLState class 08, or none) while the answer was awaited. A statement the database
     *         refused or cancelled (it answered) was rolled back.
     */
    private static boolean outcomeUnknown(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || e instanceof java.sql.SQLRecoverableException
                || e instanceof java.sql.SQLTimeoutException && !"57014".equals(state);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("could not close a connection", e);
        }
    }

    /**
     * The revision check: bumps the revision and writes the secret row's fields as they are in {@code next} only if
     * the revision is still the expected one (the update also locks the row for the rest of the transaction).
     */
    private boolean compareAndSet(Connection c, SecretKey key, long expectedRevision, SecretSnapshot next)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.casSecret)) {
            ps.setLong(1, next.lastVersionNumber());
            setMillisOrNull(ps, 2, next.deletionTime());
            ps.setString(3, next.description());
            ps.setString(4, key.projectId());
            ps.setString(5, key.secretName());
            ps.setLong(6, expectedRevision);
            return ps.executeUpdate() == 1;
        }
    }

    private static void setMillisOrNull(PreparedStatement ps, int index, Instant time) throws SQLException {
        if (time == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, time.toEpochMilli());
        }
    }

    private static void bindKey(PreparedStatement ps, SecretKey key) throws SQLException {
        bindKey(ps, 1, key);
    }

    private static void bindKey(PreparedStatement ps, int first, SecretKey key) throws SQLException {
        ps.setString(first, key.projectId());
        ps.setString(first + 1, key.secretName());
    }

    /** Binds the rest of one row of a batch, after the key's two parameters. */
    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    /** One statement per row, sent as one batch (one round trip); nothing is sent for no rows. */
    private <T> void batch(Connection c, String statement, SecretKey key, Collection<T> rows,
                                  RowBinder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = prepare(c, statement)) {
            for (T row : rows) {
                bindKey(ps, key);
                binder.bind(ps, row);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            if (counts.length != rows.size()) {
                throw new SQLException("batch ran " + counts.length + " of " + rows.size() + " statements");
            }
        }
    }

    /** A unit of work in a transaction: returns whether to commit (true) or roll back (false, a lost race). */
    @FunctionalInterface
    private interface Work {
        boolean run(Connection c) throws SQLException;
    }

    /** Connection, transaction, work, commit or rollback, restore auto-commit, close: the one write template. */
    private boolean inTransaction(String what, Work work) {
        Connection c = connect(what);
        int previousTimeout = setNetworkTimeout(c);
        boolean autoCommit = true;
        boolean commitSent = false;
        try {
            autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            boolean applied = work.run(c);
            if (applied) {
                commitSent = true;
                c.commit();
            } else {
                c.rollback();
            }
            return applied;
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            if (dialect.isLostRace(e)) {
                LOG.debug("lost a race in the database ({}), will retry", e.getSQLState());
                return false;
            }
            // before the commit a lost connection rolls the transaction back; during it, nobody knows
            throw failure(what, e, commitSent && outcomeUnknown(e));
        } catch (RuntimeException | Error e) {
            rollbackQuietly(c, e);
            throw e;
        } finally {
            try {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                LOG.debug("could not restore auto-commit", e);
            }
            release(c, previousTimeout);
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

    // ------------------------------------------------------------------ schema

    private void initializeSchema(String prefix) {
        List<String> statements = ddl(dialect, prefix);
        inTransaction("initialize the schema", c -> {
            try (Statement st = c.createStatement()) {
                if (dialect.schemaLock() != null) {
                    st.execute(dialect.schemaLock());
                }
                for (String ddl : statements) {
                    if (!addsExistingColumn(c, ddl)) {
                        st.execute(ddl);
                    }
                }
            }
            return true;
        });
        LOG.info("schema {} applied with table prefix {}", dialect.schemaResource(), prefix);
    }

    private static final java.util.regex.Pattern ADD_COLUMN = java.util.regex.Pattern.compile(
            "ALTER TABLE (\\w+) ADD COLUMN (?!IF NOT EXISTS)(\\w+)\\b.*", java.util.regex.Pattern.DOTALL);

    /**
     * Whether {@code ddl} is an {@code ALTER TABLE t ADD COLUMN c} without {@code IF NOT EXISTS} (SQLite has none
     * for columns) of a column the table already has: such an upgrade is skipped.
     */
    private static boolean addsExistingColumn(Connection c, String ddl) throws SQLException {
        java.util.regex.Matcher m = ADD_COLUMN.matcher(ddl);
        if (!m.matches()) {
            return false;
        }
        try (ResultSet rs = c.getMetaData().getColumns(null, null, m.group(1), null)) {
            while (rs.next()) {
                if (m.group(2).equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param dialect the database
     * @param prefix the table prefix replacing {@code ss_}
     * @return the DDL statements of the dialect's schema resource
     */
    static List<String> ddl(SqlDialect dialect, String prefix) {
        String text;
        try (InputStream in = JdbcStageRepository.class.getResourceAsStream(dialect.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + dialect.schemaResource());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException("cannot read " + dialect.schemaResource(), e);
        }
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.trim().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String statement : body.toString().split(";")) {
            if (!statement.isBlank()) {
                out.add(statement.trim().replaceAll("\\bss_", prefix));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "JdbcStageRepository[" + dialect.name() + ", tables " + sql.secrets + ", " + sql.versions + ", "
                + sql.stages + "]";
    }
}
