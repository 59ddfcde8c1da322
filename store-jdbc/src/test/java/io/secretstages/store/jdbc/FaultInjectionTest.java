package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.jdbc.FaultPointSweep.Op;
import io.secretstages.store.jdbc.FaultPointSweep.Scenario;
import io.secretstages.tck.MutableClock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults at every JDBC call of every write, in turn (I6), on H2, SQLite and PostgreSQL: {@link FaultPointSweep}
 * breaks each write at each point and checks that the tables hold exactly the state before or after.
 */
class FaultInjectionTest {
    private static final SecretValue VALUE = SecretValue.ofString("fault-test-value");

    static List<Scenario> scenarios() {
        Op created = (m, p) -> m.createSecret(p, "s", VALUE);
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("createSecret", (m, p) -> { }, created));
        out.add(new Scenario("putVersion", created, (m, p) -> m.putVersion(p, "s", VALUE)));
        out.add(new Scenario("putVersion with a client token", created,
                (m, p) -> m.putVersion(p, "s", VALUE, Set.of(Stages.SYSCURRENT), "retry-safe")));
        out.add(new Scenario("putVersion with stages", created,
                (m, p) -> m.putVersion(p, "s", VALUE, Set.of(Stages.SYSCURRENT, "blue"))));
        out.add(new Scenario("putVersion evicting", (m, p) -> {
            created.run(m, p);
            for (int i = 0; i < 19; i++) {
                m.putVersion(p, "s", VALUE);
            }
        }, (m, p) -> m.putVersion(p, "s", VALUE)));
        Op twoVersions = (m, p) -> {
            created.run(m, p);
            m.putVersion(p, "s", VALUE, Set.of("blue"));
        };
        out.add(new Scenario("updateStage", twoVersions, (m, p) -> m.updateStage(p, "s", "blue", "v1")));
        out.add(new Scenario("updateStage SYSCURRENT", twoVersions,
                (m, p) -> m.updateStage(p, "s", Stages.SYSCURRENT, "v2")));
        out.add(new Scenario("guarded updateStage", twoVersions,
                (m, p) -> m.updateStage(p, "s", Stages.SYSCURRENT, "v2", Optional.of("v1"))));
        out.add(new Scenario("deleteStage", twoVersions, (m, p) -> m.deleteStage(p, "s", "blue")));
        out.add(new Scenario("deleteSecret", twoVersions, (m, p) -> m.deleteSecret(p, "s")));
        out.add(new Scenario("scheduleDeletion", twoVersions, (m, p) -> m.scheduleDeletion(p, "s", 7)));
        out.add(new Scenario("restoreSecret", (m, p) -> {
            twoVersions.run(m, p);
            m.scheduleDeletion(p, "s", 7);
        }, (m, p) -> m.restoreSecret(p, "s")));
        return out;
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-03T04:05:06Z"));
    private SqlDialect dialect;
    private final FaultPointSweep sweep = new FaultPointSweep(clock, this::manager, ProjectDump.storedBytes());

    /** The dialect is given and the durability check waived, so that building the repository passes no fault point. */
    private StageManager manager(DataSource ds) {
        return StageManager.builder().repository(JdbcStageRepository.builder(ds).dialect(dialect)
                .allowDelayedWrites(true).build()).clock(clock).build();
    }

    private Map<String, Integer> run(String db, DataSource clean) throws Exception {
        dialect = JdbcStageRepository.builder(clean).initializeSchema(true).build().dialect();
        return sweep.run(db, db + "-f", clean, scenarios());
    }

    @Test
    void h2_everyFaultPointOfEveryWrite() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:faults;DB_CLOSE_DELAY=-1");
        Map<String, Integer> points = run("h2", h2);
        assertEquals(scenarios().size(), points.size());
        points.values().forEach(p -> assertTrue(p >= 2, "each write passes several fault points: " + points));
    }

    @Test
    void sqlite_everyFaultPointOfEveryWrite(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (var pool = TestDatabases.sqlite(dir.resolve("faults.db"), 4)) {
            Map<String, Integer> points = run("sqlite", pool);
            assertEquals(scenarios().size(), points.size());
            points.values().forEach(p -> assertTrue(p >= 2, "each write passes several fault points: " + points));
        }
    }

    /** Over a pool (as in production): a dropped connection is closed under the store and rolled back by the pool. */
    @Test
    void postgres_everyFaultPointOfEveryWrite() throws Exception {
        try (var pool = TestDatabases.postgresPool(4, true)) {
            Map<String, Integer> points = run("pg", pool);
            assertEquals(scenarios().size(), points.size());
        }
    }
}
