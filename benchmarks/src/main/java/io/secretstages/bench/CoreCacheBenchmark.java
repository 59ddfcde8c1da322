package io.secretstages.bench;

import io.secretstages.CacheSettings;
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

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The core's own rows, on the in-memory store (so that only the manager is measured), run by
 * {@link CoreCacheBenchmarkRun}: a {@code ConcurrentHashMap} get as the baseline; getStage without a cache, with the
 * read cache on its default millisecond ticker, and with a ticker reading {@link System#nanoTime()} on every hit; and
 * updateStage and putVersion with the write cache on (the default) and off.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class CoreCacheBenchmark {
    /**
     * {@code map}: the baseline; {@code memory}: defaults (write cache on); {@code memory-nowc}: write cache off;
     * {@code memory-cached}: read cache (1 s) on the default ticker; {@code memory-cached-nanotime}: the same with
     * {@code System::nanoTime} as its ticker.
     */
    @Param({"map", "memory", "memory-nowc", "memory-cached", "memory-cached-nanotime"})
    public String store;
    @Param({"1000"})
    public int secrets;
    @Param({"hot", "random"})
    public String access;

    /** Runs the library's rows ({@link LibraryBenchmark}'s methods) on this class's managers. */
    final LibraryBenchmark library = new LibraryBenchmark();
    ConcurrentHashMap<String, Stage> map;

    @Setup(Level.Trial)
    public void setUp() {
        library.access = access;
        library.secrets = secrets;
        library.names = Fixtures.secretNames(secrets);
        library.putNames = Fixtures.putNames(Fixtures.PUT_SECRETS);
        if (store.equals("map")) {
            map = new ConcurrentHashMap<>(); // keys: other String instances than the lookups', as the store's
            for (int i = 0; i < secrets; i++) {
                String stored = Fixtures.secret(i);
                map.put(stored, new Stage("SYSCURRENT", stored, "v3", Instant.now()));
            }
            return;
        }
        StageManager.Builder b = StageManager.builder().repository(Fixtures.memory(secrets, true));
        CacheSettings cache = CacheSettings.expireAfterWrite(Duration.ofSeconds(1)).maximumSize(200_000);
        switch (store) {
            case "memory" -> { }
            case "memory-nowc" -> b.writeCacheSize(0);
            case "memory-cached" -> b.cache(cache);
            case "memory-cached-nanotime" -> b.cache(cache.ticker(System::nanoTime));
            default -> throw new IllegalArgumentException(store);
        }
        library.manager = b.build();
    }

    @Benchmark
    public Stage mapGet(LibraryBenchmark.Worker w) {
        return map.get(library.names[access.equals("hot") ? 0 : w.random.nextInt(secrets)]);
    }

    @Benchmark
    public Stage getStage(LibraryBenchmark.Worker w) {
        return library.getStage(w);
    }

    @Benchmark
    public Stage updateStage(LibraryBenchmark.Worker w) {
        return library.updateStage(w);
    }

    @Benchmark
    public SecretVersion putVersion(LibraryBenchmark.Worker w) {
        return library.putVersion(w);
    }
}
