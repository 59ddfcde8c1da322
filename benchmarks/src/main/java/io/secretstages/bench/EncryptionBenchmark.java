package io.secretstages.bench;

import com.google.crypto.tink.KeysetHandle;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.KeyEncryptionKeys;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
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

import java.util.concurrent.TimeUnit;

/**
 * Encryption at rest (docs/rules.md E1) against the same store without it, in the same run: putVersion (at the
 * 20-version limit) and getVersion("latest") on 32-byte values, random access over 1,000 secrets. Each store's data
 * is written through the library (so the encrypted rows really are envelopes) under a project of its own.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class EncryptionBenchmark {
    @Param({"memory", "memory-encrypted", "h2", "h2-encrypted", "pg", "pg-encrypted"})
    public String store;

    /** Which JCE provider runs Tink's AES-GCM: {@code jdk} or {@code conscrypt} (see {@link CryptoProviders}). */
    @Param({"jdk"})
    public String provider;

    static final int SECRETS = 1_000;
    static final int PUT_SECRETS = 100;

    StageManager manager;
    HikariDataSource pool;
    String project;
    String[] names;
    String[] putNames;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CryptoProviders.install(provider);
        boolean encrypted = store.endsWith("-encrypted");
        String base = store.replace("-encrypted", "");
        StageRepository repository;
        if (base.equals("memory")) {
            repository = new InMemoryStageRepository();
        } else {
            pool = Fixtures.pool(base.equals("h2") ? "jdbc:h2:mem:bench-enc;DB_CLOSE_DELAY=-1" : Fixtures.url("pg"), 4);
            repository = JdbcStageRepository.builder(pool).initializeSchema(true).build(); // E5: sized for envelopes
        }
        if (encrypted) {
            KeysetHandle keyset = KeyEncryptionKeys.generate();
            repository = EncryptingRepository.wrap(repository, keyset);
        }
        manager = StageManager.builder().repository(repository).build();
        project = "enc-" + store + "-" + System.nanoTime();
        names = Fixtures.secretNames(SECRETS);
        for (int i = 0; i < SECRETS; i++) {
            manager.createSecret(project, names[i], Fixtures.value(1));
            manager.putVersion(project, names[i], Fixtures.value(2));
            manager.putVersion(project, names[i], Fixtures.value(3));
        }
        putNames = Fixtures.putNames(PUT_SECRETS);
        for (int i = 0; i < PUT_SECRETS; i++) {
            manager.createSecret(project, putNames[i], Fixtures.value(1));
            for (int v = 2; v <= 20; v++) {
                manager.putVersion(project, putNames[i], Fixtures.value(v));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    /** Per-thread state: which secret next. */
    @State(Scope.Thread)
    public static class Worker extends ThreadRandom {
        long counter;
    }

    @Benchmark
    public SecretVersion getLatest(Worker w) {
        return manager.getVersion(project, names[w.random.nextInt(SECRETS)], "latest");
    }

    @Benchmark
    public SecretVersion putVersion(Worker w) {
        return manager.putVersion(project, putNames[w.random.nextInt(PUT_SECRETS)], Fixtures.value(++w.counter));
    }
}
