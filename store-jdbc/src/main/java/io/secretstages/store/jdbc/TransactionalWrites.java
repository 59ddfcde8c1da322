package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.VersionRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static io.secretstages.store.jdbc.Parameters.bindKey;
import static io.secretstages.store.jdbc.Parameters.bindMillisOrNull;

/**
 * Every write in one general transaction, on every database: it starts with a compare-and-set on the secret's
 * revision ({@code UPDATE ... WHERE revision = ?}, which also locks the row; an insert for a new secret): 0 rows
 * means another writer won, and the transaction is rolled back. Only the rows that change are written, rows of one
 * kind in one batch; values are never rewritten (except by {@link #rewriteValues}). Deletes and rewrites go this
 * way on every database.
 */
record TransactionalWrites(DialectStatements sql, JdbcTransactions tx) implements ChangeWriter {

    @Override
    public OptionalLong apply(SecretChange change) {
        boolean applied = tx.write("apply a change", JdbcTransactions.Shape.TRANSACTION, c -> {
            SecretKey key = change.key();
            if (change.creates()) {
                if (!insertSecret(c, change)) {
                    return false;
                }
            } else if (!compareAndSet(c, key, change.expectedRevision(), change.result())) {
                return false;
            }
            if (change.newVersion().isPresent()) {
                insertVersion(c, key, change.newVersion().get());
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
        return applied ? OptionalLong.of(change.creates() ? change.result().revision() : change.expectedRevision() + 1)
                : OptionalLong.empty();
    }

    /** @return false if the secret exists (its key refused the insert) */
    private boolean insertSecret(Connection c, SecretChange change) throws SQLException {
        try (PreparedStatement ps = tx.prepare(c, sql.insertSecret)) {
            bindKey(ps, 1, change.key());
            ps.setLong(3, change.result().lastVersionNumber());
            ps.setLong(4, change.result().createTime().toEpochMilli());
            ps.setString(5, change.result().description());
            ps.setLong(6, change.result().revision()); // SecretSnapshot.firstRevision: never a predecessor's
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (sql.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private void insertVersion(Connection c, SecretKey key, NewVersion v) throws SQLException {
        try (PreparedStatement ps = tx.prepare(c, sql.insertVersion)) {
            bindKey(ps, 1, key);
            ps.setLong(3, v.number());
            ps.setLong(4, v.createTime().toEpochMilli());
            ps.setBoolean(5, v.value().isString());
            ps.setBytes(6, v.value().toBytes());
            ps.setString(7, v.clientToken());
            bindMillisOrNull(ps, 8, v.expireTime());
            ps.executeUpdate();
        }
    }

    /** R24: the updated versions' expiry times, in one batch (the SET parameter comes before the key here). */
    private void updateExpireTimes(Connection c, SecretKey key, List<VersionRecord> versions) throws SQLException {
        try (PreparedStatement ps = tx.prepare(c, sql.updateExpireTime)) {
            for (VersionRecord v : versions) {
                bindMillisOrNull(ps, 1, v.expireTime());
                bindKey(ps, 2, key);
                ps.setLong(4, v.number());
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), versions.size());
        }
    }

    /** @see io.secretstages.spi.StageRepository#delete */
    boolean delete(SecretSnapshot base) {
        SecretKey key = base.key();
        return tx.write("delete a secret", JdbcTransactions.Shape.TRANSACTION, c -> {
            if (!compareAndSet(c, key, base.revision(), base)) {
                return false;
            }
            for (String statement : List.of(sql.deleteAllStages, sql.deleteAllVersions, sql.deleteSecret)) {
                try (PreparedStatement ps = tx.prepare(c, statement)) {
                    bindKey(ps, 1, key);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    /** @see io.secretstages.spi.StageRepository#rewriteValues; {@code values} checked against {@code base} */
    OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        SecretKey key = base.key();
        boolean applied = tx.write("rewrite values", JdbcTransactions.Shape.TRANSACTION, c -> {
            if (!compareAndSet(c, key, base.revision(), base)) {
                return false;
            }
            try (PreparedStatement ps = tx.prepare(c, sql.rewriteValue)) {
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

    /**
     * The revision check: bumps the revision and writes the secret row's fields as they are in {@code next} only if
     * the revision is still the expected one (the update also locks the row for the rest of the transaction).
     */
    private boolean compareAndSet(Connection c, SecretKey key, long expectedRevision, SecretSnapshot next)
            throws SQLException {
        try (PreparedStatement ps = tx.prepare(c, sql.casSecret)) {
            ps.setLong(1, next.lastVersionNumber());
            bindMillisOrNull(ps, 2, next.deletionTime());
            ps.setString(3, next.description());
            bindKey(ps, 4, key);
            ps.setLong(6, expectedRevision);
            return ps.executeUpdate() == 1;
        }
    }

    /** Binds the rest of one row of a batch, after the key's two parameters. */
    @FunctionalInterface
    private interface RowBinder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    /** One statement per row, sent as one batch (one round trip); nothing is sent for no rows. */
    private <T> void batch(Connection c, String statement, SecretKey key, Collection<T> rows, RowBinder<T> binder)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.prepare(c, statement)) {
            for (T row : rows) {
                bindKey(ps, 1, key);
                binder.bind(ps, row);
                ps.addBatch();
            }
            checkBatch(ps.executeBatch(), rows.size());
        }
    }

    private static void checkBatch(int[] counts, int expected) throws SQLException {
        if (counts.length != expected) {
            throw new SQLException("batch ran " + counts.length + " of " + expected + " statements");
        }
    }
}
