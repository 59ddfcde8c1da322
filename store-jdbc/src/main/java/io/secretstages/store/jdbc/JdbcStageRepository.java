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
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * A {@link StageRepository} over plain JDBC: H2 (the embedded default) and PostgreSQL, detected from the connection.
 * Safe for any number of repositories, in one JVM or many, over one database: the database is the only coordination.
 *
 * <p><b>Schema.</b> Three tables ({@code ss_secrets} with a revision, create and deletion times (R8),
 * {@code ss_versions} with values written once,
 * {@code ss_stages}); the DDL ships as classpath resources {@code /io/secretstages/store/jdbc/schema-h2.sql} and
 * {@code schema-postgresql.sql}. Apply it with your migration tool, or let {@link Builder#initializeSchema(boolean)}
 * apply it (idempotently) at build time.
 *
 * <p><b>Transactions.</b> Every write is one transaction that starts with a compare-and-set on the secret's revision
 * ({@code UPDATE ... WHERE revision = ?}, which also locks the row): 0 rows means another writer won, the
 * transaction is rolled back and {@code false} returned, and {@code StageManager} reloads and retries. Only the rows
 * that change are written; values are never rewritten. Any SQL failure rolls back and is thrown as a
 * {@link StoreException} (the cause attached, no values in the message); a failure of the commit itself is
 * ambiguous and is thrown the same way. Connections are always closed and their auto-commit mode restored, so any
 * pool works, with auto-commit on or off.
 *
 * <p><b>Round trips</b> (PostgreSQL, auto-commit connections): a read of a secret is one query, of one stage one
 * single-row query; a value one query; a
 * stage move or a stage delete is one statement (a CTE does the revision check and the stage rows together); a new
 * version is the revision update, the version insert, one batch of stage rows and the commit, plus one batch of
 * deletes at the version limit. On H2 (in-process, no network) stage moves take the general transaction. All
 * statements are constant prepared statements.
 */
public final class JdbcStageRepository implements StageRepository {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStageRepository.class);
    /** Attempts of a read refused as a serialization conflict (a read has no effect: repeating it is safe). */
    private static final int READ_ATTEMPTS = 10;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");
    private static final String DEFAULT_PREFIX = "ss_";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final Statements sql;

    private JdbcStageRepository(DataSource dataSource, SqlDialect dialect, String prefix) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.sql = new Statements(prefix, dialect);
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
         * @return the repository
         * @throws StoreException if the database cannot be reached (to detect the dialect or create the schema)
         * @throws IllegalArgumentException if the database is not supported and no dialect was set
         */
        public JdbcStageRepository build() {
            SqlDialect d = dialect;
            if (d == null) {
                try (Connection c = dataSource.getConnection()) {
                    d = SqlDialect.forProduct(c.getMetaData().getDatabaseProductName());
                } catch (SQLException e) {
                    throw new StoreException("cannot detect the database product", e);
                }
            }
            JdbcStageRepository repository = new JdbcStageRepository(dataSource, d, tablePrefix);
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
        long previous = -1;
        do {
            long number = rs.getLong(3);
            if (rs.wasNull()) {
                continue;
            }
            if (number != previous) {
                versions.add(new VersionRecord(number, Instant.ofEpochMilli(rs.getLong(4)), rs.getString(7)));
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
        return new SecretSnapshot(key, revision, last, versions, stages, createTime, deletionTime);
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static SecretRecord secretRecord(SecretKey key, ResultSet rs, int firstColumn) throws SQLException {
        Instant created = instantOrNull(rs, firstColumn + 1);
        return new SecretRecord(key, rs.getLong(firstColumn), created == null ? Instant.EPOCH : created,
                instantOrNull(rs, firstColumn + 2));
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
            return StageLookup.of(stage, instantOrNull(rs, 3));
        });
    }

    @Override
    public Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        return query("read a value", sql.loadValue, ps -> {
            bindKey(ps, key);
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
            try (Connection c = dataSource.getConnection()) {
                T result;
                try (PreparedStatement ps = c.prepareStatement(statement)) {
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
                throw failure(what, e);
            }
        }
    }

    // ------------------------------------------------------------------ writes

    @Override
    public boolean apply(SecretChange change) {
        boolean stagesOnly = !change.creates() && change.newVersion().isEmpty() && change.removedVersions().isEmpty();
        if (stagesOnly && change.detachedStages().isEmpty() && sql.attachStages != null) {
            return applyInOneStatement(change, sql.attachStages);
        }
        if (stagesOnly && change.attachedStages().isEmpty() && sql.detachStages != null) {
            return applyInOneStatement(change, sql.detachStages);
        }
        return inTransaction("apply a change", c -> {
            SecretKey key = change.key();
            long newNumber = change.newVersion().map(NewVersion::number).orElse(0L);
            if (change.creates()) {
                try (PreparedStatement ps = c.prepareStatement(sql.insertSecret)) {
                    bindKey(ps, key);
                    ps.setLong(3, newNumber);
                    ps.setLong(4, change.newVersion().orElseThrow().createTime().toEpochMilli());
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (dialect.isUniqueViolation(e)) {
                        return false; // the secret exists
                    }
                    throw e;
                }
            } else if (!compareAndSet(c, key, change.expectedRevision(), newNumber)) {
                return false;
            }
            if (change.newVersion().isPresent()) {
                NewVersion v = change.newVersion().get();
                try (PreparedStatement ps = c.prepareStatement(sql.insertVersion)) {
                    bindKey(ps, key);
                    ps.setLong(3, v.number());
                    ps.setLong(4, v.createTime().toEpochMilli());
                    ps.setBoolean(5, v.value().isString());
                    ps.setBytes(6, v.value().toBytes());
                    ps.setString(7, v.clientToken());
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
            return true;
        });
    }

    @Override
    public boolean delete(SecretKey key, long expectedRevision) {
        return inTransaction("delete a secret", c -> {
            if (!compareAndSet(c, key, expectedRevision, 0L)) {
                return false;
            }
            for (String statement : List.of(sql.deleteAllStages, sql.deleteAllVersions, sql.deleteSecret)) {
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    bindKey(ps, key);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime) {
        return inTransaction("set a deletion time", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.setDeletionTime)) {
                if (deletionTime == null) {
                    ps.setNull(1, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(1, deletionTime.toEpochMilli());
                }
                bindKey(ps, 2, key);
                ps.setLong(4, expectedRevision);
                return ps.executeUpdate() == 1;
            }
        });
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
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw failure("apply a change (no connection)", e);
        }
        boolean autoCommit = true;
        try {
            autoCommit = c.getAutoCommit();
            boolean applied;
            try (PreparedStatement ps = c.prepareStatement(statement)) {
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
                applied = ps.executeUpdate() > 0;
            }
            if (!autoCommit) {
                if (applied) {
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
            throw failure("apply a change", e);
        } finally {
            closeQuietly(c); // the outcome is decided: a failing close must not turn a commit into an error
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("could not close a connection", e);
        }
    }

    /** The revision check: bumps the revision (and the last version number) only if it is still the expected one. */
    private boolean compareAndSet(Connection c, SecretKey key, long expectedRevision, long newVersionNumber)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.casSecret)) {
            ps.setLong(1, newVersionNumber);
            ps.setString(2, key.projectId());
            ps.setString(3, key.secretName());
            ps.setLong(4, expectedRevision);
            return ps.executeUpdate() == 1;
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
    private static <T> void batch(Connection c, String statement, SecretKey key, Collection<T> rows,
                                  RowBinder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(statement)) {
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
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw failure(what + " (no connection)", e);
        }
        boolean autoCommit = true;
        try {
            autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            boolean applied = work.run(c);
            if (applied) {
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
            throw failure(what, e);
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
            closeQuietly(c);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static StoreException failure(String what, SQLException e) {
        return new StoreException("JDBC store failed to " + what + " (SQLState " + e.getSQLState() + ", error code "
                + e.getErrorCode() + ")", e);
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
                    st.execute(ddl);
                }
            }
            return true;
        });
        LOG.info("schema {} applied with table prefix {}", dialect.schemaResource(), prefix);
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
