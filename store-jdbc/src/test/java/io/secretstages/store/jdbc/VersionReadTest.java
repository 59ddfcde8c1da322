package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.VersionRead;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 16: a version read (by number, {@code latest}, by stage) is one query returning one row on every database:
 * the secret's record, that one version, the stages it holds and its value (R16), only that one; as the reference
 * semantics over the snapshot {@code load} reads ({@link VersionRead#in}).
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

            VersionRead latest = store.loadVersion(key, Stages.SYSCURRENT, 0).orElseThrow();
            assertEquals(List.of("executeQuery"), counting.take(), store + ": one query");
            assertEquals(expected.record(), latest.secret(), store + ": the secret's record load reads");
            assertEquals(expected.version(2).orElseThrow(), latest.version());
            assertEquals(Set.of(Stages.SYSCURRENT, "blue", "green"), latest.stages());
            assertEquals(SecretValue.ofString("two"), latest.value(),
                    "the SYSCURRENT holder's value, held by three stages");

            VersionRead red = store.loadVersion(key, "red", 0).orElseThrow();
            assertEquals(3, red.version().number());
            assertEquals(Set.of("red"), red.stages());
            assertEquals(SecretValue.ofBinary(new byte[]{0, 1, 2}), red.value());
            VersionRead first = store.loadVersion(key, null, 1).orElseThrow();
            assertEquals(1, first.version().number());
            assertEquals(Set.of(Stages.SYSPREVIOUS), first.stages());
            assertEquals(SecretValue.ofString("one"), first.value(), "by number: a version holding SYSPREVIOUS");
            assertEquals(List.of("executeQuery", "executeQuery"), counting.take());

            assertEquals(new VersionRead(expected.record(), null, Set.of(), null),
                    store.loadVersion(key, null, 9).orElseThrow(), "no v9: the secret, no version");
            assertEquals(new VersionRead(expected.record(), null, Set.of(), null),
                    store.loadVersion(key, "nobody", 0).orElseThrow(), "no such stage: the secret, no version");
            for (long n = 1; n <= 3; n++) {
                long number = n;
                assertEquals(VersionRead.in(expected, null, n, x -> store.loadValue(expected, x)),
                        store.loadVersion(key, null, number).orElseThrow());
            }
            assertEquals(Optional.empty(), store.loadVersion(new SecretKey(p, "absent"), Stages.SYSCURRENT, 0));
        }
        sqlite.unwrap(com.zaxxer.hikari.HikariDataSource.class).close();
    }
}
