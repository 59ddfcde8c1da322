package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.FaultPointSweep;
import io.secretstages.store.jdbc.FaultPointSweep.Op;
import io.secretstages.store.jdbc.FaultPointSweep.Scenario;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.jdbc.ProjectDump;
import io.secretstages.store.jdbc.SqlDialect;
import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * store-jdbc's fault injection (I6, {@link FaultPointSweep}) on encrypted stores: a fault at every JDBC call of
 * every write (the call fails, the connection drops, or the call succeeds and reports an error) leaves exactly the
 * state before or after, compared with a twin project that ran the same operation without faults. Ciphertexts
 * differ between twins (fresh data keys), so the state compared is the rows with every value as decrypted.
 */
class EncryptedFaultInjectionTest {
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
    private SqlDialect dialect;
    private final FaultPointSweep sweep = new FaultPointSweep(clock, this::manager, new ProjectDump(this::decrypted));

    /** The encrypted store over a data source; with the dialect given, build() connects to nothing. */
    private StageRepository repository(DataSource ds) {
        return TestKeys.encrypted(JdbcStageRepository.builder(ds).dialect(dialect).allowDelayedWrites(true).build());
    }

    private StageManager manager(DataSource ds) {
        return StageManager.builder().repository(repository(ds)).clock(clock).build();
    }

    /** A version's value as read back through the encrypted store over the clean database. */
    private String decrypted(DataSource clean, String project, String secretName, long version, byte[] stored) {
        StageRepository reader = repository(clean);
        SecretValue v = reader.loadValue(reader.load(new SecretKey(project, secretName)).orElseThrow(), version)
                .orElseThrow();
        return v.isString() + ":" + HexFormat.of().formatHex(v.toBytes());
    }

    private Map<String, Integer> run(String db, DataSource clean) throws Exception {
        dialect = JdbcStageRepository.builder(clean).initializeSchema(true).build().dialect();
        return sweep.run("encrypted " + db, db + "-ef" + System.nanoTime() + "-", clean, scenarios());
    }

    @Test
    void h2_everyFaultPointOfEveryWrite() throws Exception {
        DataSource h2 = TestDatabases.h2ForEnvelopes("encrypted-faults");
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
