package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static io.secretstages.store.jdbc.Parameters.bindKey;

/**
 * PostgreSQL's writes: the shapes of change a data-modifying CTE can do whole (the revision check and every row in
 * one statement: one round trip on an auto-commit connection, a statement being atomic on its own) go as one
 * statement; the others, deletes and rewrites to the {@link TransactionalWrites} it wraps. A one-statement change
 * changed rows only if the revision matched, since the plan attaches or detaches at least one stage.
 */
final class OneStatementWrites implements ChangeWriter {
    private final PostgresStatements sql;
    private final JdbcTransactions tx;
    private final ChangeWriter general;

    OneStatementWrites(PostgresStatements sql, JdbcTransactions tx, ChangeWriter general) {
        this.sql = sql;
        this.tx = tx;
        this.general = general;
    }

    @Override
    public OptionalLong apply(SecretChange change) {
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

    @Override
    public boolean delete(SecretSnapshot base) {
        return general.delete(base);
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        return general.rewriteValues(base, values);
    }
}
