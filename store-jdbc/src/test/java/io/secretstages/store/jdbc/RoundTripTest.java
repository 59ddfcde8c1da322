package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the statements each operation sends (each one a round trip on PostgreSQL; a batch counts once), so that a
 * change that adds round trips fails here. Auto-commit connections, the usual pool setting.
 */
class RoundTripTest {
    private static final HikariDataSource POOL = TestDatabases.postgresPool(2, true);
    private final CountingDataSource counting = new CountingDataSource(POOL);
    private final StageManager m = StageManager.builder()
            .repository(JdbcStageRepository.builder(counting.dataSource).initializeSchema(true).build()).build();
    private final String p = "rt-" + System.nanoTime();

    @AfterAll
    static void close() {
        POOL.close();
    }

    @Test
    void statementsPerOperation() {
        counting.take();
        m.createSecret(p, "s", SecretValue.ofString("one"));
        assertEquals(List.of("executeUpdate", "executeUpdate", "executeBatch", "commit"), counting.take(), "create");

        m.getStage(p, "s", "SYSCURRENT");
        assertEquals(List.of("executeQuery"), counting.take(), "getStage: one query");

        m.getVersion(p, "s", "latest");
        assertEquals(List.of("executeQuery", "executeQuery"), counting.take(), "getVersion: metadata, value");

        m.updateStage(p, "s", "blue", "v1");
        assertEquals(List.of("executeQuery", "executeUpdate"), counting.take(),
                "updateStage: read, then one statement doing the revision check and the stage rows");

        m.updateStage(p, "s", "blue", "v1", Optional.of("v1"));
        assertEquals(List.of("executeQuery"), counting.take(), "no-op guarded update: the read only");

        m.putVersion(p, "s", SecretValue.ofString("two"));
        assertEquals(List.of("executeQuery", "executeUpdate", "executeUpdate", "executeBatch", "commit"), counting.take(),
                "putVersion: read, CAS, insert version, stage batch, commit");

        for (int i = 0; i < 19; i++) {
            m.putVersion(p, "s", SecretValue.ofString("x" + i));
        }
        counting.take();
        m.putVersion(p, "s", SecretValue.ofString("at the limit"));
        assertEquals(List.of("executeQuery", "executeUpdate", "executeUpdate", "executeBatch", "executeBatch", "commit"),
                counting.take(), "putVersion at the version limit: + one batch of deletes");

        m.deleteStage(p, "s", "blue");
        assertEquals(List.of("executeQuery", "executeUpdate"), counting.take(), "deleteStage: read, one statement");

        m.putVersion(p, "s", SecretValue.ofString("y"), Set.of("green"));
        counting.take();
        m.deleteSecret(p, "s");
        assertEquals(List.of("executeQuery", "executeUpdate", "executeUpdate", "executeUpdate", "executeUpdate", "commit"),
                counting.take(), "deleteSecret: read, CAS, three deletes, commit");

        m.createSecret(p, "r", SecretValue.ofString("x"));
        counting.take();
        m.getSecret(p, "r");
        assertEquals(List.of("executeQuery"), counting.take(), "getSecret: one query");
        m.scheduleDeletion(p, "r", 7);
        assertEquals(List.of("executeQuery", "executeUpdate", "commit"), counting.take(),
                "scheduleDeletion: read, one update, commit");
        m.restoreSecret(p, "r");
        assertEquals(List.of("executeQuery", "executeUpdate", "commit"), counting.take(),
                "restoreSecret: read, one update, commit");
        m.listSecrets(p);
        assertEquals(List.of("executeQuery"), counting.take(), "listSecrets: one query per page");
    }
}
