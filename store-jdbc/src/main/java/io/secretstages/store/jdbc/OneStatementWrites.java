package io.secretstages.store.jdbc;

import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.OptionalLong;

import static io.secretstages.store.jdbc.Parameters.bindKey;
import static io.secretstages.store.jdbc.Parameters.bindMillisOrNull;

/**
 * PostgreSQL's writes: the shapes of change a data-modifying CTE can do whole (the revision check and every row in
 * one statement: one round trip on an auto-commit connection, a statement being atomic on its own) go as one
 * statement: a new version (with its stage moves and the R15 evictions), a new secret, a stage-only move or
 * delete. The others (expiry updates, secret-row-only changes) go to the {@link TransactionalWrites} it wraps. The revision check stays the arbiter: a stale base writes nothing and is a
 * lost race. A stage-only statement changed rows only if the revision matched, since the plan attaches or detaches
 * at least one stage.
 */
record OneStatementWrites(PostgresStatements sql, JdbcTransactions tx, ChangeWriter general) implements ChangeWriter {

    @Override
    public OptionalLong apply(SecretChange change) {
        if (change.newVersion().isPresent() && change.updatedVersions().isEmpty()) {
            if (!change.creates()) {
                return applied(change, putVersion(change));
            }
            if (change.detachedStages().isEmpty() && change.removedVersions().isEmpty()) {
                return createSecret(change) ? OptionalLong.of(change.result().revision()) : OptionalLong.empty();
            }
        }
        if (change.stagesOnly() && change.detachedStages().isEmpty()) {
            return applied(change, attachStages(change));
        }
        if (change.stagesOnly() && change.attachedStages().isEmpty()) {
            return applied(change, detachStages(change));
        }
        return general.apply(change);
    }

    private static OptionalLong applied(SecretChange change, boolean applied) {
        return applied ? OptionalLong.of(change.expectedRevision() + 1) : OptionalLong.empty();
    }

    private boolean putVersion(SecretChange change) {
        return tx.write("apply a change", JdbcTransactions.Shape.ONE_STATEMENT, c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.putVersion)) {
                SecretSnapshot next = change.result();
                ps.setLong(1, next.lastVersionNumber());
                bindMillisOrNull(ps, 2, next.deletionTime());
                ps.setString(3, next.description());
                bindKey(ps, 4, change.key());
                ps.setLong(6, change.expectedRevision());
                bindVersion(ps, 7, change.newVersion().get());
                ps.setArray(13, c.createArrayOf("varchar", change.detachedStages().toArray(new String[0])));
                bindStages(c, ps, 14, change.attachedStages());
                ps.setArray(17, c.createArrayOf("bigint", change.removedVersions().toArray(new Long[0])));
                return changedOne(ps);
            }
        });
    }

    private boolean createSecret(SecretChange change) {
        return tx.write("apply a change", JdbcTransactions.Shape.ONE_STATEMENT, c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.createSecret)) {
                SecretSnapshot created = change.result();
                bindKey(ps, 1, change.key());
                ps.setLong(3, created.lastVersionNumber());
                ps.setLong(4, created.createTime().toEpochMilli());
                ps.setString(5, created.description());
                ps.setLong(6, created.revision()); // SecretSnapshot.firstRevision: never a predecessor's
                bindVersion(ps, 7, change.newVersion().get());
                bindStages(c, ps, 13, change.attachedStages());
                return changedOne(ps);
            }
        });
    }

    /** @return whether the statement's one row counts one secret row written (the revision held, or created) */
    private static boolean changedOne(PreparedStatement ps) throws java.sql.SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getLong(1) == 1;
        }
    }

    /** Binds a new version's six columns from {@code first} on (after its key, which the statement supplies). */
    private static void bindVersion(PreparedStatement ps, int first, NewVersion v) throws java.sql.SQLException {
        ps.setLong(first, v.number());
        ps.setLong(first + 1, v.createTime().toEpochMilli());
        ps.setBoolean(first + 2, v.value().isString());
        ps.setBytes(first + 3, v.value().toBytes());
        ps.setString(first + 4, v.clientToken());
        bindMillisOrNull(ps, first + 5, v.expireTime());
    }

    private boolean attachStages(SecretChange change) {
        return tx.write("apply a change", JdbcTransactions.Shape.ONE_STATEMENT, c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.attachStages)) {
                bindKey(ps, 1, change.key());
                ps.setLong(3, change.expectedRevision());
                bindStages(c, ps, 4, change.attachedStages());
                return ps.executeUpdate() > 0;
            }
        });
    }

    private boolean detachStages(SecretChange change) {
        return tx.write("apply a change", JdbcTransactions.Shape.ONE_STATEMENT, c -> {
            try (PreparedStatement ps = tx.prepare(c, sql.detachStages)) {
                bindKey(ps, 1, change.key());
                ps.setLong(3, change.expectedRevision());
                ps.setArray(4, c.createArrayOf("varchar", change.detachedStages().toArray(new String[0])));
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Binds stage rows as three arrays from {@code first} on: names, version numbers, update times. */
    private static void bindStages(Connection c, PreparedStatement ps, int first, List<StageRecord> attached)
            throws java.sql.SQLException {
        String[] names = new String[attached.size()];
        Long[] versionNumbers = new Long[attached.size()];
        Long[] times = new Long[attached.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = attached.get(i).name();
            versionNumbers[i] = attached.get(i).versionNumber();
            times[i] = attached.get(i).updateTime().toEpochMilli();
        }
        ps.setArray(first, c.createArrayOf("varchar", names));
        ps.setArray(first + 1, c.createArrayOf("bigint", versionNumbers));
        ps.setArray(first + 2, c.createArrayOf("bigint", times));
    }
}
