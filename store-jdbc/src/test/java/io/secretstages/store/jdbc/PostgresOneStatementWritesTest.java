package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.Stages;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 16: on PostgreSQL a new secret and a new version (with its stage moves and the R15 evictions) are each one
 * statement, and the revision check in it stays the arbiter: a change planned from a stale base, or a create of a
 * secret that exists, writes nothing and is a lost race (an empty result). Through the SPI, as the manager calls it.
 */
class PostgresOneStatementWritesTest {
    private static final HikariDataSource POOL = TestDatabases.postgresPool(2, true);
    private final CountingDataSource counting = new CountingDataSource(POOL);
    private final JdbcStageRepository store = JdbcStageRepository.builder(counting.dataSource)
            .initializeSchema(true).build();
    private final Instant t = Instant.ofEpochMilli(1_700_000_000_000L);

    @AfterAll
    static void close() {
        POOL.close();
    }

    private static StageRecord stage(String name, long version, Instant at) {
        return new StageRecord(name, version, at);
    }

    @Test
    void createAndPutVersionAreOneStatementAndAStaleBaseWritesNothing() {
        SecretKey key = new SecretKey("one-" + System.nanoTime(), "s");
        SecretChange create = SecretChange.creating(key, new NewVersion(1, t, SecretValue.ofString("v1"), "tok1"))
                .attachStages(List.of(stage(Stages.SYSCURRENT, 1, t))).build();
        counting.take();
        long first = SecretSnapshot.firstRevision(t);
        assertEquals(OptionalLong.of(first), store.apply(create));
        assertEquals(List.of("executeQuery"), counting.take(), "createSecret: one statement");
        assertEquals(Optional.of(create.result().withRevision(first)), store.load(key));
        assertEquals(OptionalLong.empty(), store.apply(create), "the secret exists: a lost race");
        SecretSnapshot base = store.load(key).orElseThrow();
        assertEquals(create.result().withRevision(first), base, "and nothing changed");

        SecretChange put = SecretChange.from(base).addVersion(new NewVersion(2, t.plusSeconds(1),
                        SecretValue.ofBinary(new byte[]{7, 8}), null, t.plusSeconds(99)))
                .attachStages(List.of(stage(Stages.SYSCURRENT, 2, t.plusSeconds(1)),
                        stage(Stages.SYSPREVIOUS, 1, t.plusSeconds(1)), stage("blue", 2, t.plusSeconds(1))))
                .build();
        counting.take();
        OptionalLong r2 = store.apply(put);
        assertEquals(List.of("executeQuery"), counting.take(), "putVersion: one statement");
        assertEquals(OptionalLong.of(base.revision() + 1), r2);
        SecretSnapshot second = store.load(key).orElseThrow();
        assertEquals(put.result().withRevision(r2.getAsLong()), second);
        assertEquals(Optional.of(SecretValue.ofBinary(new byte[]{7, 8})), store.loadValue(second, 2));

        assertEquals(OptionalLong.empty(), store.apply(put), "planned from a stale base: a lost race");
        SecretChange staleMove = SecretChange.from(base).addVersion(new NewVersion(2, t, SecretValue.ofString("x")))
                .detachStages(Set.of(Stages.SYSCURRENT)).attachStages(List.of(stage("green", 2, t))).build();
        assertEquals(OptionalLong.empty(), store.apply(staleMove), "any shape from a stale base: a lost race");
        assertEquals(second, store.load(key).orElseThrow(), "and nothing changed");

        SecretChange evict = SecretChange.from(second).addVersion(new NewVersion(3, t.plusSeconds(2),
                        SecretValue.ofString("v3")))
                .detachStages(Set.of("blue"))
                .attachStages(List.of(stage(Stages.SYSCURRENT, 3, t.plusSeconds(2)),
                        stage(Stages.SYSPREVIOUS, 2, t.plusSeconds(2))))
                .removeVersions(Set.of(1L)).build();
        counting.take();
        OptionalLong r3 = store.apply(evict);
        assertEquals(List.of("executeQuery"), counting.take(), "with a stage delete and an eviction: one statement");
        SecretSnapshot third = store.load(key).orElseThrow();
        assertEquals(evict.result().withRevision(r3.getAsLong()), third);
        assertEquals(Optional.empty(), store.loadValue(third, 1), "v1 evicted with its value (R15)");
        assertEquals(Set.of(Stages.SYSCURRENT, Stages.SYSPREVIOUS), third.stages().keySet());
    }
}
