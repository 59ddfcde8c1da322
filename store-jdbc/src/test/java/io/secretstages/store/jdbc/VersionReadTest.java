package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 16: a version read (by number, {@code latest}, by stage) is one query on every database: the snapshot, as
 * {@code load} reads it, and the value of that one version (R16), only that one.
 */
class VersionReadTest {
    @Test
    void aVersionReadIsOneQueryOnEveryDatabase() throws Exception {
        DataSource sqlite = TestDatabases.sqlite(Files.createTempDirectory("version-read").resolve("s.db"), 2);
        for (DataSource db : List.of(TestDatabases.h2("version-read"), sqlite,
                TestDatabases.postgresPool(2, true))) {
            CountingDataSource counting = new CountingDataSource(db);
            JdbcStageRepository store = JdbcStageRepository.builder(counting.dataSource).initializeSchema(true).build();
            StageManager m = StageManager.builder().repository(store).build();
            String p = "vr" + System.nanoTime();
            m.createSecret(p, "s", SecretValue.ofString("one"));
            m.putVersion(p, "s", SecretValue.ofString("two"), Set.of(Stages.SYSCURRENT, "blue", "green"));
            m.putVersion(p, "s", SecretValue.ofBinary(new byte[]{0, 1, 2}), Set.of("red"));
            SecretKey key = new SecretKey(p, "s");
            SecretSnapshot expected = store.load(key).orElseThrow();
            counting.take();

            SnapshotRows.WithValue latest = store.loadWithValue(key, Stages.SYSCURRENT, 0).orElseThrow();
            assertEquals(List.of("executeQuery"), counting.take(), store + ": one query");
            assertEquals(expected, latest.snapshot(), store + ": the snapshot load reads");
            assertEquals(2, latest.versionNumber());
            assertEquals(SecretValue.ofString("two"), latest.value(),
                    "the SYSCURRENT holder's value, held by three stages");

            SnapshotRows.WithValue red = store.loadWithValue(key, "red", 0).orElseThrow();
            assertEquals(3, red.versionNumber());
            assertEquals(SecretValue.ofBinary(new byte[]{0, 1, 2}), red.value());
            SnapshotRows.WithValue first = store.loadWithValue(key, null, 1).orElseThrow();
            assertEquals(1, first.versionNumber());
            assertEquals(SecretValue.ofString("one"), first.value(), "by number: a version holding SYSPREVIOUS");
            assertEquals(List.of("executeQuery", "executeQuery"), counting.take());

            assertNull(store.loadWithValue(key, null, 9).orElseThrow().value(), "no v9: the snapshot, no value");
            assertNull(store.loadWithValue(key, "nobody", 0).orElseThrow().value(), "no such stage: no value");
            assertEquals(expected, store.loadWithValue(key, "nobody", 0).orElseThrow().snapshot());
            assertEquals(Optional.empty(), store.loadWithValue(new SecretKey(p, "absent"), Stages.SYSCURRENT, 0));
        }
        sqlite.unwrap(com.zaxxer.hikari.HikariDataSource.class).close();
    }
}
