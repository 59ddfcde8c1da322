package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the statements each operation sends (each one a round trip on PostgreSQL; a batch counts once), so that a
 * change that adds round trips fails here. Auto-commit connections, the usual pool setting. Twice: a manager with
 * its write cache (the default), which plans writes to a secret it wrote before without reading it, and one without
 * (as every manager's first write to a secret is).
 */
class RoundTripTest {
    private static final HikariDataSource POOL = TestDatabases.postgresPool(2, true);
    private final CountingDataSource counting = new CountingDataSource(POOL);
    private final String p = "rt-" + System.nanoTime();

    @AfterAll
    static void close() {
        POOL.close();
    }

    private StageManager manager(long writeCacheSize) {
        return StageManager.builder().writeCacheSize(writeCacheSize)
                .repository(JdbcStageRepository.builder(counting.dataSource).initializeSchema(true).build()).build();
    }

    private static List<String> then(List<String> read, String... statements) {
        List<String> out = new ArrayList<>(read);
        out.addAll(List.of(statements));
        return out;
    }

    @Test
    void statementsPerOperation_withTheWriteCache() {
        statementsPerOperation(manager(10_000), List.of());
    }

    @Test
    void statementsPerOperation_withoutTheWriteCache() {
        statementsPerOperation(manager(0), List.of("executeQuery"));
    }

    /** @param read what a write sends before its change: nothing with the write cache, else one query */
    private void statementsPerOperation(StageManager m, List<String> read) {
        counting.take();
        m.createSecret(p, "s", SecretValue.ofString("one"));
        assertEquals(List.of("executeQuery"), counting.take(), "create: one statement (CTE: secret, version, stages)");

        m.getStage(p, "s", "SYSCURRENT");
        assertEquals(List.of("executeQuery"), counting.take(), "getStage: one query");

        m.getVersion(p, "s", "latest");
        assertEquals(List.of("executeQuery", "executeQuery"), counting.take(),
                "getVersion: metadata, value (one query once core calls the store's one-query version read)");

        m.updateStage(p, "s", "blue", "v1");
        assertEquals(then(read, "executeUpdate"), counting.take(),
                "updateStage: one statement doing the revision check and the stage rows");

        m.updateStage(p, "s", "blue", "v1", Optional.of("v1"));
        assertEquals(List.of("executeQuery"), counting.take(), "no-op guarded update: one read, to confirm it");

        m.putVersion(p, "s", SecretValue.ofString("two"));
        assertEquals(then(read, "executeQuery"), counting.take(),
                "putVersion: one statement (CTE: revision check and bump, version row, stage moves)");

        for (int i = 0; i < 19; i++) {
            m.putVersion(p, "s", SecretValue.ofString("x" + i));
        }
        counting.take();
        m.putVersion(p, "s", SecretValue.ofString("at the limit"));
        assertEquals(then(read, "executeQuery"), counting.take(),
                "putVersion at the version limit: still one statement, the R15 evictions in it");

        m.deleteStage(p, "s", "blue");
        assertEquals(then(read, "executeUpdate"), counting.take(), "deleteStage: one statement");

        m.putVersion(p, "s", SecretValue.ofString("y"), Set.of("green"));
        counting.take();
        m.deleteSecret(p, "s");
        assertEquals(then(read, "executeUpdate", "executeUpdate", "executeUpdate", "executeUpdate", "commit"),
                counting.take(), "deleteSecret: CAS, three deletes, commit");

        m.createSecret(p, "r", SecretValue.ofString("x"));
        counting.take();
        m.getSecret(p, "r");
        assertEquals(List.of("executeQuery"), counting.take(), "getSecret: one query");
        m.scheduleDeletion(p, "r", 7);
        assertEquals(then(read, "executeUpdate", "commit"), counting.take(), "scheduleDeletion: one update, commit");
        m.restoreSecret(p, "r");
        assertEquals(then(read, "executeUpdate", "commit"), counting.take(),
                "restoreSecret: one update under the revision check, commit (from the write cache: no read)");
        m.listSecrets(p);
        assertEquals(List.of("executeQuery"), counting.take(), "listSecrets: one query per page");
        m.deleteSecret(p, "r");
        counting.take();

        StageManager other = manager(10_000);
        m.createSecret(p, "t", SecretValue.ofString("x"));
        m.updateStage(p, "t", "blue", "v1");
        counting.take();
        other.updateStage(p, "t", "blue", "v1", Optional.of("v1"));
        assertEquals(List.of("executeQuery"), counting.take(), "another node's first write to it reads it first");
        m.putVersion(p, "t", SecretValue.ofString("y"));
        other.updateStage(p, "t", "green", "v2");
        counting.take();
        m.updateStage(p, "t", "blue", "v2");
        assertEquals(read.isEmpty() ? List.of("executeUpdate", "executeQuery", "executeUpdate")
                        : List.of("executeQuery", "executeUpdate"), counting.take(),
                "a write planned from a snapshot another node made stale fails its revision check, reads, retries");
        other.putVersion(p, "t", SecretValue.ofString("from the other node"));
        counting.take();
        m.putVersion(p, "t", SecretValue.ofString("z"));
        assertEquals(read.isEmpty() ? List.of("executeQuery", "executeQuery", "executeQuery")
                        : List.of("executeQuery", "executeQuery"), counting.take(),
                "a putVersion planned from a stale snapshot writes nothing (its revision check fails), reads, retries");
        assertEquals(List.of("v1", "v2", "v3", "v4"), m.listVersions(p, "t").stream().map(v -> v.id()).toList(),
                "both versions, numbered in order: the stale statement wrote no row");
        assertEquals(SecretValue.ofString("z"), m.getVersion(p, "t", "latest").value());
        m.deleteSecret(p, "t");
    }
}
