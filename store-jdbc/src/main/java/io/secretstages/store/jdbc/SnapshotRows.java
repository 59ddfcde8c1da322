package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRead;
import io.secretstages.spi.VersionRecord;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the rows of the store's queries into SPI records. */
final class SnapshotRows {

    private SnapshotRows() {
    }

    /**
     * Reads the rows of {@link DialectStatements#loadSecret}: one per version, one more per further stage that
     * version holds, in version order. The cursor is on the first row.
     */
    static SecretSnapshot snapshot(SecretKey key, ResultSet rs) throws SQLException {
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

    /**
     * Reads the one row of {@link DialectStatements#loadVersion}: the secret's columns, then the version's (NULL if
     * there is none), its value, and the comma-separated names of the stages it holds.
     */
    static VersionRead version(SecretKey key, ResultSet rs) throws SQLException {
        SecretRecord secret = secretRecord(key, rs, 1);
        long number = rs.getLong(5);
        if (rs.wasNull()) {
            return new VersionRead(secret, null, Set.of(), null);
        }
        VersionRecord version = new VersionRecord(number, Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7),
                instantOrNull(rs, 8));
        SecretValue value = SecretValue.fromBytes(rs.getBoolean(9), rs.getBytes(10));
        String names = rs.getString(11);
        Set<String> stages = names == null ? Set.of() : names.indexOf(',') < 0 ? Set.of(names)
                : Set.of(names.split(","));
        return new VersionRead(secret, version, stages, value);
    }

    /** Reads the one row of {@link DialectStatements#loadStage}, if any. */
    static StageLookup stage(String stageName, ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return StageLookup.SECRET_NOT_FOUND;
        }
        long number = rs.getLong(1);
        StageRecord stage = rs.wasNull() ? null : new StageRecord(stageName, number, Instant.ofEpochMilli(rs.getLong(2)));
        Instant deletion = instantOrNull(rs, 3);
        return stage == null && deletion == null ? StageLookup.STAGE_NOT_FOUND : new StageLookup(true, stage, deletion);
    }

    /** Reads a secret's own row: revision, create time, deletion time, description from {@code firstColumn} on. */
    static SecretRecord secretRecord(SecretKey key, ResultSet rs, int firstColumn) throws SQLException {
        Instant created = instantOrNull(rs, firstColumn + 1);
        return new SecretRecord(key, rs.getLong(firstColumn), created == null ? Instant.EPOCH : created,
                instantOrNull(rs, firstColumn + 2), textOrEmpty(rs, firstColumn + 3));
    }

    private static String textOrEmpty(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? "" : text;
    }

    private static Instant instantOrNull(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
