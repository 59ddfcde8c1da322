package io.secretstages.bench;

import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The physical limits the library is measured against, on the same data and pool: a {@link ConcurrentHashMap} get
 * of a record like a stage; a bare primary-key SELECT of the secrets table; a bare single-row UPDATE + COMMIT of
 * the same rows (a value set to itself: the row is locked and rewritten, the library's state is unchanged).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class BaselineBenchmark {
    /** A record comparable to what getStage returns. */
    public record Row(String name, String secretName, String versionId, Instant updateTime) {
    }

    /** {@code map} for the in-memory baseline, else the database. */
    @Param({"map", "h2", "sqlite", "pg", "pg-durable"})
    public String store;
    @Param({"1000"})
    public int secrets;
    @Param({"hot", "random"})
    public String access;

    ConcurrentHashMap<String, Row> map;
    HikariDataSource pool;
    String[] names;

    @Setup(Level.Trial)
    public void setUp() {
        names = Fixtures.secretNames(secrets);
        if (store.equals("map")) {
            // Keyed by other String instances than the lookups, as the library's store is (and as a server's is:
            // a name parsed from a request is never the stored instance), so both compare keys by content.
            map = new ConcurrentHashMap<>();
            for (int i = 0; i < secrets; i++) {
                String stored = Fixtures.secret(i);
                map.put(stored, new Row("SYSCURRENT", stored, "v3", Instant.now()));
            }
        } else {
            pool = Fixtures.pool(Fixtures.url(store), 4);
            Fixtures.manager(store, pool, secrets); // same schema and data as the library runs
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    private int pick(ThreadRandom w) {
        return access.equals("hot") ? 0 : w.random.nextInt(secrets);
    }

    @Benchmark
    public Row mapGet(ThreadRandom w) {
        return map.get(names[pick(w)]);
    }

    @Benchmark
    public long jdbcSelect(ThreadRandom w) throws SQLException {
        return select(pool, names[pick(w)]);
    }

    @Benchmark
    public int jdbcUpdate(ThreadRandom w) throws SQLException {
        return update(pool, names[pick(w)]);
    }

    /** The bare primary-key SELECT of one secret's row. */
    static long select(DataSource pool, String name) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT revision, last_version FROM ss_secrets WHERE project_id = ? AND secret_name = ?")) {
            ps.setString(1, Fixtures.PROJECT);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The bare single-row UPDATE + COMMIT of one secret's row (a value set to itself). */
    static int update(DataSource pool, String name) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE ss_secrets SET last_version = last_version WHERE project_id = ? AND secret_name = ?")) {
                ps.setString(1, Fixtures.PROJECT);
                ps.setString(2, name);
                int n = ps.executeUpdate();
                c.commit();
                return n;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
