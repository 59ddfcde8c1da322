package io.secretstages.encryption;

import io.secretstages.store.jdbc.FaultInjectingDataSource;
import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.jdbc.SqlDialect;
import io.secretstages.tck.Invariants;
import io.secretstages.tck.MutableClock;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * store-jdbc's fault injection (I6) on encrypted stores: a fault at every JDBC call of every write (the call fails,
 * the connection drops, or the call succeeds and reports an error) leaves exactly the state before or after,
 * compared with a twin project that ran the same operation without faults. Ciphertexts differ between twins (fresh
 * data keys), so the state compared is the rows without the value column plus every value as decrypted.
 */
class EncryptedFaultInjectionTest {
    @FunctionalInterface
    interface Op {
        void run(StageManager m, String project);
    }

    record Scenario(String name, Op prepare, Op operation) {
    }

    private static final SecretValue VALUE = SecretValue.ofString("fault-test-value");

    static List<Scenario> scenarios() {
        Op created = (m, p) -> m.createSecret(p, "s", VALUE);
        Op twoVersions = (m, p) -> {
            created.run(m, p);
            m.putVersion(p, "s", SecretValue.ofBinary(new byte[]{1, 2, 3}), Set.of("blue"));
        };
        List<Scenario> out = new ArrayList<>();
        out.add(new Scenario("createSecret", (m, p) -> { }, created));
        out.add(new Scenario("putVersion", created, (m, p) -> m.putVersion(p, "s", VALUE)));
        out.add(new Scenario("putVersion with a client token", created,
                (m, p) -> m.putVersion(p, "s", VALUE, Set.of(Stages.SYSCURRENT), "retry-safe")));
        out.add(new Scenario("updateStage", twoVersions, (m, p) -> m.updateStage(p, "s", "blue", "v1")));
        out.add(new Scenario("deleteSecret", twoVersions, (m, p) -> m.deleteSecret(p, "s")));
        return out;
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-02-03T04:05:06Z"));
    private int projects;
    private SqlDialect dialect;

    /** With the dialect given and delayed writes allowed, build() connects to nothing: no fault point is spent there. */
    private StageManager manager(DataSource ds) {
        return StageManager.builder()
                .repository(TestKeys.encrypted(JdbcStageRepository.builder(ds).dialect(dialect)
                        .allowDelayedWrites(true).build()))
                .clock(clock).build();
    }

    /** Everything stored for a project, values decrypted, with the project id left out so that twins compare. */
    private String dump(DataSource ds, String project) throws SQLException {
        StageRepository reader = TestKeys.encrypted(JdbcStageRepository.builder(ds).dialect(dialect)
                .allowDelayedWrites(true).build());
        StringBuilder sb = new StringBuilder();
        try (Connection c = ds.getConnection()) {
            for (String sql : List.of(
                    "SELECT secret_name, revision, last_version, create_time, deletion_time FROM ss_secrets"
                            + " WHERE project_id = ? ORDER BY 1",
                    "SELECT secret_name, version_number, create_time, is_string, client_token FROM ss_versions"
                            + " WHERE project_id = ? ORDER BY 1, 2",
                    "SELECT secret_name, stage_name, version_number, update_time FROM ss_stages"
                            + " WHERE project_id = ? ORDER BY 1, 2")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, project);
                    try (ResultSet rs = ps.executeQuery()) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                sb.append(rs.getObject(i)).append(i < n ? "," : "");
                            }
                            if (sql.contains("ss_versions")) {
                                SecretKey key = new SecretKey(project, rs.getString(1));
                                SecretValue v = reader.loadValue(reader.load(key).orElseThrow(), rs.getLong(2))
                                        .orElseThrow();
                                sb.append(",").append(v.isString()).append(":")
                                        .append(HexFormat.of().formatHex(v.toBytes()));
                            }
                            sb.append("\n");
                        }
                    }
                }
                sb.append("--\n");
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return sb.toString();
    }

    private Map<String, Integer> run(String db, DataSource clean) throws Exception {
        dialect = JdbcStageRepository.builder(clean).initializeSchema(true).build().dialect();
        StageManager cleanManager = manager(clean);
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> points = new TreeMap<>();
        for (Scenario sc : scenarios()) {
            for (FaultInjectingDataSource.Mode mode : FaultInjectingDataSource.Mode.values()) {
                for (int n = 1; ; n++) {
                    String project = db + "-ef" + (++projects) + "-" + System.nanoTime();
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
                        points.merge(sc.name, n - 1, Math::max);
                        break;
                    }
                    if (failure == null) {
                        assertEquals(after, state, where + ": success must mean the state after");
                        outcomes.merge("success (fault absorbed)", 1, Integer::sum);
                        continue;
                    }
                    assertEquals(ErrorCode.STORE_FAILURE, failure.code(), where + ": " + failure);
                    if (state.equals(after) && !after.equals(before)) {
                        assertEquals(FaultInjectingDataSource.Mode.FAIL_AFTER, mode,
                                where + ": only an ambiguous outcome may fail after applying");
                        outcomes.merge("STORE_FAILURE, applied (ambiguous)", 1, Integer::sum);
                    } else {
                        assertEquals(before, state, where + ": a failed write leaves no trace");
                        outcomes.merge("STORE_FAILURE, nothing applied", 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("encrypted fault injection on %s: fault points per operation %s; outcomes %s%n", db,
                points, outcomes);
        return points;
    }

    @Test
    void h2_everyFaultPointOfEveryWrite() throws Exception {
        DataSource h2 = TestDatabases.h2("encrypted-faults");
        JdbcStageRepository.builder(h2).initializeSchema(true).build();
        TestDatabases.execute(h2, TestDatabases.H2_GROW_VALUE_COLUMN);
        Map<String, Integer> points = run("h2", h2);
        assertEquals(scenarios().size(), points.size());
        points.values().forEach(p -> assertTrue(p >= 2, "each write passes several fault points: " + points));
    }

    @Test
    void postgres_everyFaultPointOfEveryWrite() throws Exception {
        Map<String, Integer> points = run("pg", TestDatabases.postgresDatabase("faults"));
        assertEquals(scenarios().size(), points.size());
    }
}
