package io.secretstages.store.jdbc;

import io.secretstages.spi.SecretKey;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** Binds the store's recurring parameters: a secret's key (two columns) and a time that may be absent. */
final class Parameters {
    private Parameters() {
    }

    /** Binds the key to parameters {@code first} (project) and {@code first + 1} (secret name). */
    static void bindKey(PreparedStatement ps, int first, SecretKey key) throws SQLException {
        ps.setString(first, key.projectId());
        ps.setString(first + 1, key.secretName());
    }

    /** Binds a time as epoch milliseconds, or SQL NULL for none. */
    static void bindMillisOrNull(PreparedStatement ps, int index, Instant time) throws SQLException {
        if (time == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, time.toEpochMilli());
        }
    }
}
