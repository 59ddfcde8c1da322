package io.secretstages.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
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
import org.openjdk.jmh.infra.ThreadParams;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * The library's operations on every store: getStage, getVersion("latest"), getVersionByStage (blue, on v2),
 * updateStage (each thread moves its own custom stage between v2 and v3, so every call is a real move), putVersion
 * at the 20-version limit, createSecret (a new name per call: the tables grow by one secret per call).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class LibraryBenchmark {
    @Param({"memory", "memory-cached", "h2", "h2-cached", "sqlite", "pg", "pg-cached", "pg-durable"})
    public String store;
    @Param({"1000"})
    public int secrets;
    @Param({"hot", "random"})
    public String access;

    StageManager manager;
    HikariDataSource pool;
    String[] names;
    String[] putNames;

    @Setup(Level.Trial)
    public void setUp() {
        if (!store.startsWith("memory")) {
            pool = Fixtures.pool(Fixtures.url(store), 4);
        }
        manager = Fixtures.manager(store, pool, secrets);
        names = Fixtures.secretNames(secrets);
        putNames = Fixtures.putNames(Fixtures.PUT_SECRETS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    /** Per-thread state: which secret next, and where this thread's stage is on each secret. */
    @State(Scope.Thread)
    public static class Worker extends ThreadRandom {
        String stage;
        BitSet onV3;
        long counter;
        String createPrefix;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            stage = "b" + (thread.getThreadIndex() % 2);
            onV3 = new BitSet();
            createPrefix = "c" + Long.toString(System.nanoTime(), 36) + "t" + thread.getThreadIndex() + "n";
        }
    }

    private int pick(Worker w, int n) {
        return access.equals("hot") ? 0 : w.random.nextInt(n);
    }

    @Benchmark
    public Stage getStage(Worker w) {
        return manager.getStage(Fixtures.PROJECT, names[pick(w, secrets)], "SYSCURRENT");
    }

    @Benchmark
    public SecretVersion getLatest(Worker w) {
        return manager.getVersion(Fixtures.PROJECT, names[pick(w, secrets)], "latest");
    }

    @Benchmark
    public SecretVersion getByStage(Worker w) {
        return manager.getVersionByStage(Fixtures.PROJECT, names[pick(w, secrets)], "blue");
    }

    @Benchmark
    public SecretVersion createSecret(Worker w) {
        return manager.createSecret(Fixtures.PROJECT, w.createPrefix + (++w.counter), Fixtures.value(w.counter));
    }

    @Benchmark
    public Stage updateStage(Worker w) {
        int i = pick(w, secrets);
        boolean toV3 = !w.onV3.get(i);
        w.onV3.set(i, toV3);
        return manager.updateStage(Fixtures.PROJECT, names[i], w.stage, toV3 ? "v3" : "v2");
    }

    @Benchmark
    public SecretVersion putVersion(Worker w) {
        return manager.putVersion(Fixtures.PROJECT, putNames[pick(w, putNames.length)], Fixtures.value(++w.counter));
    }
}
