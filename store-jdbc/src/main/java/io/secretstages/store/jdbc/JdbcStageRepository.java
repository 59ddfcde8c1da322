package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.spi.VersionRead;
import io.secretstages.spi.VersionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import static io.secretstages.store.jdbc.Parameters.bindKey;

/**
 * A {@link StageRepository} over plain JDBC: SQLite (the embedded default), H2 and PostgreSQL, detected from the
 * connection.
 * Safe for any number of repositories, in one JVM or many, over one database: the database is the only coordination.
 *
 * <p><b>Schema.</b> Three tables ({@code ss_secrets} with a revision, create and deletion times (R8) and a
 * description (R23), {@code ss_versions} with values written once and an expiry time (R24),
 * {@code ss_stages}); the DDL ships as classpath resources {@code /io/secretstages/store/jdbc/schema-h2.sql},
 * {@code schema-sqlite.sql} and {@code schema-postgresql.sql}. Apply it with your migration tool, or let
 * {@link Builder#initializeSchema(boolean)} apply it (idempotently) at build time; it also upgrades tables of an
 * earlier release in place (missing columns are added).
 *
 * <p><b>Transactions.</b> Every write checks the secret's revision first ({@code UPDATE ... WHERE revision = ?},
 * which also locks the row): 0 rows means another writer won, nothing is written, and the call returns a lost race
 * ({@code StageManager} reloads and retries). Only the rows that change are written; values are never rewritten.
 * Any SQL failure rolls back and is thrown as a {@link StoreException} (the cause attached, no values in the
 * message); a failure of the commit itself (or of a single statement on an auto-commit connection) is
 * {@link StoreException#ambiguous() ambiguous}. Connections are always closed and their auto-commit mode and network
 * timeout restored, so any pool works, with auto-commit on or off.
 *
 * <p><b>Round trips</b> (PostgreSQL, auto-commit connections): a read of a secret is one query, of one stage one
 * single-row query; a value one query; a stage move or a stage delete, a new version (with its stage moves and the
 * versions removed at the limit) and a new secret are each one statement (a data-modifying CTE does the revision
 * check and every row together). On H2 and SQLite (in-process, no network) every change takes one general
 * transaction. All statements are constant prepared statements.
 *
 * <p><b>Durability.</b> {@link Builder#build()} refuses an embedded database that can lose a commit it acknowledged
 * when the process crashes (an H2 file with {@code WRITE_DELAY} above 0, H2's default; an SQLite file not in WAL mode
 * with {@code synchronous=FULL}), unless {@link Builder#allowDelayedWrites(boolean)}; open one with
 * {@link DurableJdbcUrl}. <b>Deadlines.</b> Every statement has a {@linkplain Builder#statementTimeout timeout} and
 * every connection a {@linkplain Builder#networkTimeout network timeout} (10 s each by default; a network timeout not
 * above the statement timeout is applied one second past it, so that a slow statement's cancel comes first); a
 * failure after a commit was sent is a {@link StoreException} whose {@link StoreException#ambiguous()} is true.
 */
public final class JdbcStageRepository implements StageRepository {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStageRepository.class);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");
    private static final String DEFAULT_PREFIX = "ss_";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final DialectStatements sql;
    private final JdbcTransactions tx;
    /** Deletes and rewrites, and every change the dialect cannot write in one statement. */
    private final TransactionalWrites general;
    private final ChangeWriter changes;

    private JdbcStageRepository(DataSource dataSource, DialectStatements sql, Duration statementTimeout,
                                Duration networkTimeout) {
        this.sql = sql;
        this.tx = new JdbcTransactions(dataSource, sql, statementTimeout, networkTimeout);
        this.general = new TransactionalWrites(sql, tx);
        this.changes = sql.writer(general);
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
         * database that has gone silent (that is {@link #networkTimeout}). On H2 the timeout is a setting of the
         * session: the store sets it only on a connection whose session has another (setting it makes H2 parse every
         * statement again) and leaves it there, so the next borrower of a pooled connection inherits it unless it sets
         * its own; a wait for a row lock is bounded there by H2's {@code LOCK_TIMEOUT} (2 s by default), a race the
         * call retries within its deadline. Zero: no limit. Default 10 s.
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
         * packets). A slow statement must be cancelled first, so a network timeout that is not above the
         * {@link #statementTimeout} (the defaults are both 10 s) is applied as the statement timeout plus one second:
         * the database's answer to the cancel then arrives before the connection is given up, and a statement
         * blocked by a lock is rolled back rather than left to run on after the call failed. In
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
                String problem = d.statements(DEFAULT_PREFIX).durabilityProblem(c);
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
            JdbcStageRepository repository = new JdbcStageRepository(dataSource, d.statements(tablePrefix),
                    statementTimeout, networkTimeout);
            if (initializeSchema) {
                SchemaInitializer.apply(repository.tx, repository.sql, tablePrefix);
            }
            return repository;
        }
    }

    /** @return the SQL dialect in use */
    public SqlDialect dialect() {
        return sql.dialect();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        return tx.read("read a secret", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.loadSecret)) {
                bindKey(ps, 1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(SnapshotRows.snapshot(key, rs))
                            : Optional.empty();
                }
            }
        });
    }

    /**
     * {@inheritDoc} One query returning one row (issue 16): the secret's own columns, the one version with its value,
     * and the names of the stages it holds.
     */
    @Override
    public Optional<VersionRead> loadVersion(SecretKey key, String stageName, long versionNumber) {
        return tx.read("read a version", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.loadVersion)) {
                ps.setString(1, versionNumber > 0 ? null : stageName);
                if (versionNumber > 0) {
                    ps.setLong(2, versionNumber);
                } else {
                    ps.setNull(2, java.sql.Types.BIGINT);
                }
                bindKey(ps, 3, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(SnapshotRows.version(key, rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        return tx.read("read a stage", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.loadStage)) {
                ps.setString(1, stageName);
                bindKey(ps, 2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return SnapshotRows.stage(stageName, rs);
                }
            }
        });
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        Optional<VersionRecord> version = snapshot.version(versionNumber);
        if (version.isEmpty()) {
            return Optional.empty(); // not a version of the snapshot
        }
        return tx.read("read a value", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.loadValue)) {
                bindKey(ps, 1, snapshot.key());
                ps.setLong(3, versionNumber);
                ps.setLong(4, version.get().createTime().toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(SecretValue.fromBytes(rs.getBoolean(1), rs.getBytes(2)))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        return tx.read("list secrets", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.listSecrets)) {
                ps.setString(1, projectId);
                ps.setString(2, afterName == null ? "" : afterName);
                ps.setLong(3, activeAt.toEpochMilli());
                ps.setInt(4, limit);
                List<SecretRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(SnapshotRows.secretRecord(new SecretKey(projectId, rs.getString(1)), rs, 2));
                    }
                }
                return out;
            }
        });
    }

    /** One query, in the primary key's order; an empty {@code afterProjectId} is the start, as null. */
    @Override
    public List<String> listProjects(String afterProjectId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.read("list projects", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.listProjects)) {
                ps.setString(1, afterProjectId == null ? "" : afterProjectId);
                ps.setInt(2, limit);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return tx.read("find secrets due for deletion", c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.listDeletionsDue)) {
                ps.setLong(1, asOf.toEpochMilli());
                ps.setInt(2, limit);
                List<SecretRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(SnapshotRows.secretRecord(new SecretKey(rs.getString(1), rs.getString(2)), rs, 3));
                    }
                }
                return out;
            }
        });
    }

    // ------------------------------------------------------------------ writes

    /**
     * Revisions are counted: {@code SecretSnapshot.firstRevision} on create, one more per change (as
     * {@link SecretChange#result()} proposes). On PostgreSQL most changes are one statement; elsewhere, and for the
     * other shapes, one general transaction.
     */
    @Override
    public OptionalLong apply(SecretChange change) {
        return changes.apply(change);
    }

    /** Checks the values against the base first; then one transaction: the revision check, an update per value. */
    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        base.checkRewrite(values);
        return general.rewriteValues(base, values);
    }

    /** One transaction: the revision check, then the stages, versions and secret rows. */
    @Override
    public boolean delete(SecretSnapshot base) {
        return general.delete(base);
    }

    @Override
    public String toString() {
        return "JdbcStageRepository[" + sql.dialect() + ", tables " + sql.secrets + ", " + sql.versions + ", "
                + sql.stages + "]";
    }
}
