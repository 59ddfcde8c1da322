package io.secretstages.store.jdbc;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.tck.Invariants;
import io.secretstages.tck.MutableClock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Faults at every JDBC call of every write, in turn (I6): the call fails, the connection drops under it, or the
 * call reaches the database and then reports an error (an ambiguous commit). Afterwards the tables, read through a
 * clean connection, hold exactly the state before or exactly the state after (compared with a twin project that ran
 * the same operation without faults), the invariants hold, and the caller got success exactly when the state is
 * the state after, except for the ambiguous case, where it got STORE_FAILURE and the state may be either; a retry
 * by the caller then keeps every invariant.
 */
class FaultInjectionTest {

    @FunctionalInterface
    interface Op {
        void run(StageManager m, String project);
    }

    record Scenario(String name, Op prepare, Op operation) {
    }

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
    private int projects;
    private SqlDialect dialect;

    /** The dialect is given and the durability check waived, so that building the repository passes no fault point. */
    private StageManager manager(DataSource ds) {
        return StageManager.builder().repository(JdbcStageRepository.builder(ds).dialect(dialect)
                .allowDelayedWrites(true).build()).clock(clock).build();
    }

    /** Everything stored for a project, with the project id left out so that twins compare equal. */
    static String dump(DataSource ds, String project) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection()) {
            for (String sql : List.of(
                    "SELECT secret_name, revision, last_version, create_time, deletion_time FROM ss_secrets"
                            + " WHERE project_id = ? ORDER BY 1",
                    "SELECT secret_name, version_number, create_time, is_string, secret_value FROM ss_versions"
                            + " WHERE project_id = ? ORDER BY 1, 2",
                    "SELECT secret_name, stage_name, version_number, update_time FROM ss_stages"
                            + " WHERE project_id = ? ORDER BY 1, 2")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, project);
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                Object o = rs.getObject(i);
                                sb.append(o instanceof byte[] ? HexFormat.of().formatHex((byte[]) o) : String.valueOf(o))
                                        .append(i < n ? "," : "\n");
                            }
                        }
                    }
                }
                sb.append("--\n");
            }
        }
        return sb.toString();
    }

    private Map<String, Integer> run(String db, DataSource clean) throws Exception {
        dialect = JdbcStageRepository.builder(clean).initializeSchema(true).build().dialect();
        StageManager cleanManager = manager(clean);
        Map<String, Integer> pointsPerScenario = new LinkedHashMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Scenario sc : scenarios()) {
            for (FaultInjectingDataSource.Mode mode : FaultInjectingDataSource.Mode.values()) {
                for (int n = 1; ; n++) {
                    String project = db + "-f" + (++projects);
                    String twin = project + "-twin";
                    clock.set(Instant.parse("2026-02-03T04:05:06Z"));
                    sc.prepare.run(cleanManager, project);
                    sc.prepare.run(cleanManager, twin);
                    String before = dump(clean, project);
                    assertEquals(before, dump(clean, twin), "twins start equal");
                    clock.advance(Duration.ofSeconds(1));
                    sc.operation.run(cleanManager, twin);
                    String after = dump(clean, twin);

                    FaultInjectingDataSource faulty = new FaultInjectingDataSource(clean, n, mode);
                    StageException failure = null;
                    try {
                        sc.operation.run(manager(faulty.dataSource), project);
                    } catch (StageException e) {
                        failure = e;
                    }
                    String state = dump(clean, project);
                    String where = db + " " + sc.name + " " + mode + " at point " + n + " (" + faulty.injectedAt() + ")";
                    Invariants.checkQuiescent(cleanManager, project, "s");
                    if (faulty.injectedAt() == null) {
                        if (failure != null) {
                            fail(where + ": no fault, yet " + failure);
                        }
                        assertEquals(after, state, where);
                        pointsPerScenario.merge(sc.name, n - 1, Math::max);
                        break;
                    }
                    if (failure == null) {
                        assertEquals(after, state, where + ": success must mean the state after");
                        outcomes.merge("success (fault absorbed: " + faulty.injectedAt().split(" ")[0] + ")", 1, Integer::sum);
                        continue;
                    }
                    assertEquals(ErrorCode.STORE_FAILURE, failure.code(), where + ": " + failure);
                    if (state.equals(after) && !after.equals(before)) {
                        assertEquals(FaultInjectingDataSource.Mode.FAIL_AFTER, mode,
                                where + ": only an ambiguous outcome may fail after applying");
                        outcomes.merge("STORE_FAILURE, applied (ambiguous)", 1, Integer::sum);
                        retryKeepsInvariants(cleanManager, sc, project, where);
                        if (sc.name.contains("client token")) {
                            assertEquals(after, dump(clean, project), where + ": the retry with the token added nothing");
                        }
                    } else {
                        assertEquals(before, state, where + ": a failed write leaves no trace");
                        outcomes.merge("STORE_FAILURE, nothing applied", 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("fault injection on %s: fault points per operation %s; outcomes %s%n", db,
                pointsPerScenario, outcomes);
        return pointsPerScenario;
    }

    /** The caller retries after an ambiguous failure: refusals are fine, broken invariants are not. */
    private void retryKeepsInvariants(StageManager m, Scenario sc, String project, String where) {
        try {
            sc.operation.run(m, project);
        } catch (StageException e) {
            assertTrue(Set.of(ErrorCode.SECRET_ALREADY_EXISTS, ErrorCode.CONFLICT, ErrorCode.STAGE_NOT_FOUND,
                    ErrorCode.SECRET_NOT_FOUND, ErrorCode.SECRET_PENDING_DELETION).contains(e.code()),
                    where + " retry: " + e);
        }
        Invariants.checkQuiescent(m, project, "s");
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
