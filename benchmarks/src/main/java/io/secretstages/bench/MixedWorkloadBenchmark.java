package io.secretstages.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.StageManager;
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

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * A production-like mix (issue 16), run with many reader threads: per call, 90% getVersion("latest"), 9% getStage,
 * 1% putVersion, each on a secret picked uniformly at random; and the same mix of bare statements on the same pool
 * and data ({@code bare}: 99% the primary-key SELECT, 1% the single-row UPDATE + COMMIT of
 * {@link BaselineBenchmark}). Sample time: JMH reports the latency distribution (p50, p99) and the suite derives
 * throughput from the mean. Per-thread state is {@link LibraryBenchmark.Worker}'s.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class MixedWorkloadBenchmark {
    /** {@code pg}, {@code pg-cached} (the read cache), or {@code bare} (the statements alone, on pg). */
    @Param({"pg", "pg-cached", "bare"})
    public String store;
    @Param({"10000"})
    public int secrets;

    StageManager manager;
    HikariDataSource pool;
    String[] names;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Fixtures.pool(Fixtures.url("pg"), 16);
        manager = Fixtures.manager(store.equals("bare") ? "pg" : store, pool, secrets);
        names = new String[secrets];
        for (int i = 0; i < secrets; i++) {
            names[i] = Fixtures.secret(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public Object mix(LibraryBenchmark.Worker w) throws SQLException {
        int op = w.random.nextInt(100);
        String name = names[w.random.nextInt(secrets)];
        if (store.equals("bare")) {
            return op < 99 ? BaselineBenchmark.select(pool, name) : BaselineBenchmark.update(pool, name);
        }
        if (op < 90) {
            return manager.getVersion(Fixtures.PROJECT, name, "latest");
        }
        if (op < 99) {
            return manager.getStage(Fixtures.PROJECT, name, "SYSCURRENT");
        }
        return manager.putVersion(Fixtures.PROJECT, name, Fixtures.value(++w.counter));
    }
}
