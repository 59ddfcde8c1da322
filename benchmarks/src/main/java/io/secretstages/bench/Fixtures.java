package io.secretstages.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.CacheSettings;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.DurableJdbcUrl;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

/**
 * The data every benchmark runs on, the same for every store. Project {@code bench}; secrets {@code s0..s(N-1)}
 * each with three versions of 32-byte values: v1 holds SYSPREVIOUS, v2 holds blue, b0 and b1 (the custom stages
 * the write benchmarks move, one per thread), v3 holds SYSCURRENT. Secrets {@code put0..put999} are at the
 * 20-version limit, for putVersion in steady state. Baseline table {@code bench_counter} has N rows.
 */
final class Fixtures {
    static final String PROJECT = "bench";
    static final int PUT_SECRETS = 1_000;
    static final String PG_URL = "bench.pg.url";
    static final String PG_DURABLE_URL = "bench.pgDurable.url";
    static final String SQLITE_FILE = "bench.sqlite.file";

    private Fixtures() {
    }

    static SecretValue value(long n) {
        byte[] b = new byte[32];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        return SecretValue.ofBinary(b);
    }

    static String secret(int i) {
        return "s" + i;
    }

    /** @return the names of secrets {@code s0..s(n-1)}, new String instances each call */
    static String[] secretNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = secret(i);
        }
        return names;
    }

    /** @return the names of the secrets at the version limit, {@code put0..put(n-1)} */
    static String[] putNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = "put" + i;
        }
        return names;
    }

    /** Fills an in-memory store through the library. */
    static InMemoryStageRepository memory(int secrets, boolean withPutSecrets) {
        InMemoryStageRepository repo = new InMemoryStageRepository();
        StageManager m = StageManager.builder().repository(repo).build();
        for (int i = 0; i < secrets; i++) {
            String s = secret(i);
            m.createSecret(PROJECT, s, value(1));
            m.putVersion(PROJECT, s, value(2), Set.of("blue", "b0", "b1"));
            m.putVersion(PROJECT, s, value(3));
        }
        if (withPutSecrets) {
            for (int i = 0; i < PUT_SECRETS; i++) {
                m.createSecret(PROJECT, "put" + i, value(1));
                for (int v = 2; v <= 20; v++) {
                    m.putVersion(PROJECT, "put" + i, value(v));
                }
            }
        }
        return repo;
    }

    static HikariDataSource pool(String url, int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        if (!url.startsWith("jdbc:sqlite")) {
            c.setUsername(url.startsWith("jdbc:h2") ? "sa" : "postgres");
            c.setPassword(url.startsWith("jdbc:h2") ? "" : "postgres");
        }
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        return new HikariDataSource(c);
    }

    /** A manager over the named store; JDBC stores get their data loaded if it is not there yet. */
    static StageManager manager(String store, DataSource jdbc, int secrets) {
        boolean cached = store.endsWith("-cached");
        StageRepository repo;
        if (store.startsWith("memory")) {
            repo = memory(secrets, true);
        } else {
            repo = JdbcStageRepository.builder(jdbc).initializeSchema(true).build();
            load(jdbc, secrets);
        }
        StageManager.Builder b = StageManager.builder().repository(repo);
        if (cached) {
            b.cache(CacheSettings.expireAfterWrite(Duration.ofSeconds(1)).maximumSize(200_000));
        }
        return b.build();
    }

    static String url(String store) {
        if (store.startsWith("h2")) {
            return "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
        }
        if (store.startsWith("sqlite")) { // a file, as SQLite is used: WAL, synchronous=FULL (an fsync per commit)
            String file = System.getProperty(SQLITE_FILE,
                    Path.of(System.getProperty("java.io.tmpdir"), "secretstages-bench.db").toString());
            return DurableJdbcUrl.of("jdbc:sqlite:" + file);
        }
        String url = System.getProperty(store.startsWith("pg-durable") ? PG_DURABLE_URL : PG_URL);
        if (url == null) {
            throw new IllegalStateException("run through BenchmarkSuite, which starts PostgreSQL");
        }
        return url;
    }

    /**
     * Bulk-loads the fixture into the library's tables (and the baseline table) unless it is there: the rows the
     * library itself would write, inserted in batches, because a million library calls over a network take long.
     */
    static synchronized void load(DataSource ds, int secrets) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS bench_counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
            }
            c.commit();
            int have = count(c, "SELECT COUNT(*) FROM bench_counter");
            if (have < secrets) {
                insertCounters(c, have, secrets);
                insertSecrets(c, "s", have, secrets, 3);
            }
            if (count(c, "SELECT COUNT(*) FROM ss_secrets WHERE project_id = 'bench' AND secret_name = 'put0'") == 0) {
                insertSecrets(c, "put", 0, PUT_SECRETS, 20);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load the benchmark data", e);
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void insertCounters(Connection c, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_counter (id, n) VALUES (?, 0)")) {
            for (int i = from; i < to; i++) {
                ps.setLong(1, i);
                ps.addBatch();
                if (i % 5_000 == 4_999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        c.commit();
    }

    /** Secrets with {@code versions} versions: SYSCURRENT on the last, SYSPREVIOUS on the one before... */
    private static void insertSecrets(Connection c, String prefix, int from, int to, int versions) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement secret = c.prepareStatement(
                "INSERT INTO ss_secrets (project_id, secret_name, revision, last_version, create_time)"
                        + " VALUES ('bench', ?, ?, ?, ?)");
             PreparedStatement version = c.prepareStatement("INSERT INTO ss_versions (project_id, secret_name,"
                     + " version_number, create_time, is_string, secret_value) VALUES ('bench', ?, ?, ?, FALSE, ?)");
             PreparedStatement stage = c.prepareStatement("INSERT INTO ss_stages (project_id, secret_name,"
                     + " stage_name, version_number, update_time) VALUES ('bench', ?, ?, ?, ?)")) {
            for (int i = from; i < to; i++) {
                String name = prefix + i;
                secret.setString(1, name);
                secret.setLong(2, versions);
                secret.setLong(3, versions);
                secret.setLong(4, now); // as the library writes it: a NULL would take the schema-upgrade fallback
                secret.addBatch();
                for (int v = 1; v <= versions; v++) {
                    version.setString(1, name);
                    version.setLong(2, v);
                    version.setLong(3, now);
                    version.setBytes(4, value(v).toBytes());
                    version.addBatch();
                }
                String[][] stages = versions == 3
                        ? new String[][]{{"SYSPREVIOUS", "1"}, {"blue", "2"}, {"b0", "2"}, {"b1", "2"}, {"SYSCURRENT", "3"}}
                        : new String[][]{{"SYSPREVIOUS", String.valueOf(versions - 1)}, {"SYSCURRENT", String.valueOf(versions)}};
                for (String[] s : stages) {
                    stage.setString(1, name);
                    stage.setString(2, s[0]);
                    stage.setLong(3, Long.parseLong(s[1]));
                    stage.setLong(4, now);
                    stage.addBatch();
                }
                if (i % 2_000 == 1_999) {
                    secret.executeBatch();
                    version.executeBatch();
                    stage.executeBatch();
                    c.commit();
                }
            }
            secret.executeBatch();
            version.executeBatch();
            stage.executeBatch();
            c.commit();
        }
    }
}
