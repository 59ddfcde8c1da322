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
 * the same rows (a value set to itself: the row is locked and rewritten, the library's state is unchanged); and
 * the library's own version-read statement, bare ({@link #jdbcVersionRead}).
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

    /**
     * The library's own version read, run bare: the statement {@code JdbcStageRepository.loadVersion} sends for
     * {@code getVersion(p, s, "latest")} (a copy of {@code DialectStatements.loadVersion} with this database's
     * stage-name aggregate), on the same pool and data, without the library around it. It tells the statement's
     * cost on this database from the library's: getLatest against it is the library's share, it against
     * {@link #jdbcSelect} the statement's.
     */
    @Benchmark
    public long jdbcVersionRead(ThreadRandom w) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(versionRead(store))) {
            ps.setString(1, "SYSCURRENT");
            ps.setNull(2, java.sql.Types.BIGINT);
            ps.setString(3, Fixtures.PROJECT);
            ps.setString(4, names[pick(w)]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(5) + rs.getBytes(10).length + rs.getString(11).length();
            }
        }
    }

    /**
     * {@code DialectStatements.loadVersion} for the {@code ss_} tables, copied (the store's is internal);
     * {@code VersionReadCopyTest} fails if the two part.
     */
    static String versionRead(String store) {
        String stageNames = store.startsWith("pg") ? "string_agg(t.stage_name, ',')"
                : store.startsWith("h2") ? "LISTAGG(t.stage_name, ',')" : "group_concat(t.stage_name, ',')";
        return "SELECT s.revision, COALESCE(s.create_time, (SELECT MIN(m.create_time) FROM ss_versions m"
                + " WHERE m.project_id = s.project_id AND m.secret_name = s.secret_name)), s.deletion_time,"
                + " s.description, v.version_number, v.create_time, v.client_token, v.expire_time, v.is_string,"
                + " v.secret_value, (SELECT " + stageNames + " FROM ss_stages t"
                + " WHERE t.project_id = v.project_id AND t.secret_name = v.secret_name"
                + " AND t.version_number = v.version_number)"
                + " FROM ss_secrets s"
                + " LEFT JOIN ss_stages h ON h.project_id = s.project_id AND h.secret_name = s.secret_name"
                + " AND h.stage_name = ?"
                + " LEFT JOIN ss_versions v ON v.project_id = s.project_id AND v.secret_name = s.secret_name"
                + " AND v.version_number = COALESCE(CAST(? AS BIGINT), h.version_number)"
                + " WHERE s.project_id = ? AND s.secret_name = ?";
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
