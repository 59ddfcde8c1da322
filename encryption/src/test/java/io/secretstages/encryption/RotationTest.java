package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import com.google.crypto.tink.KeysetHandle;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.StoreException;
import io.secretstages.store.memory.InMemoryStageRepository;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation (docs/rules.md E4) through the manager, on memory, H2 and PostgreSQL: a new primary wraps new values while old ones stay readable; a
 * re-wrap under concurrent writers loses nothing and leaves every value readable with the new key alone; a re-wrap
 * interrupted by a failure resumes where it stopped.
 */
class RotationTest {
    private final String project = "rotation-" + System.nanoTime();
    private static javax.sql.DataSource h2;
    private static javax.sql.DataSource postgres;

    /** @return a store of the named kind: memory, or JDBC over H2 or PostgreSQL (each test in its own project) */
    private static synchronized StageRepository store(String kind) {
        switch (kind) {
            case "memory":
                return new InMemoryStageRepository();
            case "h2":
                if (h2 == null) {
                    h2 = TestDatabases.h2("rotation");
                    JdbcStageRepository.builder(h2).initializeSchema(true).build();
                    TestDatabases.execute(h2, TestDatabases.H2_GROW_VALUE_COLUMN);
                }
                return JdbcStageRepository.builder(h2).build();
            default:
                if (postgres == null) {
                    postgres = TestDatabases.postgresDatabase("rotation");
                    JdbcStageRepository.builder(postgres).initializeSchema(true).build();
                }
                return JdbcStageRepository.builder(postgres).build();
        }
    }
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));

    private StageManager manager(EncryptingRepository repository) {
        return StageManager.builder().repository(repository).clock(clock).build();
    }

    private static String name(int i) {
        return String.format("s%03d", i);
    }

    /** Creates {@code secret} with a random value, recorded in {@code written} under "secret/v1". */
    private void createRandom(StageManager m, String secret, Map<String, SecretValue> written) {
        SecretValue v = TestValues.random(64);
        written.put(secret + "/" + m.createSecret(project, secret, v).id(), v);
    }

    /** Puts a random value as a new version of {@code secret}, recorded in {@code written} under "secret/id". */
    private void putRandom(StageManager m, String secret, Map<String, SecretValue> written) {
        SecretValue v = TestValues.random(64);
        written.put(secret + "/" + m.putVersion(project, secret, v).id(), v);
    }

    /** Reads every version of every secret with {@code manager} and compares it with what was written. */
    private void assertEverythingReadable(StageManager manager, int secrets, Map<String, SecretValue> written) {
        int versions = 0;
        for (int i = 0; i < secrets; i++) {
            for (VersionMetadata v : manager.listVersions(project, name(i))) {
                SecretVersion read = manager.getVersion(project, name(i), v.id());
                assertEquals(written.get(name(i) + "/" + v.id()), read.value(), name(i) + "/" + v.id());
                versions++;
            }
        }
        assertTrue(versions >= secrets);
    }

    private void assertAllWrappedBy(RewriteFailingStore store, KeysetHandle keyset) {
        for (SecretValue stored : store.storedValues(project)) {
            assertEquals(keyset.getPrimary().getId(), EnvelopeSealer.recordedKeyId(stored.binary().orElseThrow()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2", "pg"})
    void rewrapUnderConcurrentWritersLosesNothingAndTheOldKeyCanGo(String kind) throws Exception {
        int secrets = TestValues.soak() ? 400 : 40;
        RewriteFailingStore store = new RewriteFailingStore(store(kind));
        KeysetHandle old = KeyEncryptionKeys.generate();
        StageManager before = manager(EncryptingRepository.wrap(store, old));
        Map<String, SecretValue> written = new ConcurrentHashMap<>();
        Map<String, AtomicLong> puts = new ConcurrentHashMap<>();
        for (int i = 0; i < secrets; i++) {
            createRandom(before, name(i), written);
            puts.put(name(i), new AtomicLong(1));
            for (int k = 0; k < 3; k++) {
                putRandom(before, name(i), written);
                puts.get(name(i)).incrementAndGet();
            }
        }

        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        EncryptingRepository repository = EncryptingRepository.wrap(store, rotated);
        StageManager after = manager(repository);
        assertEverythingReadable(after, secrets, written); // the old key is still in the keyset

        List<StageManager> nodes = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            nodes.add(manager(EncryptingRepository.wrap(store, rotated))); // every node has the new keyset
        }
        BackgroundWriters writers = new BackgroundWriters(nodes.size(), t -> {
            StageManager writer = nodes.get(t);
            return () -> {
                String s = name(ThreadLocalRandom.current().nextInt(secrets));
                putRandom(writer, s, written);
                puts.get(s).incrementAndGet();
            };
        });
        long writesDuringRewrap;
        RewrapReport report;
        try {
            long atStart = writers.writes();
            report = repository.rewrap(project, null, writers.letAWriterIn());
            writesDuringRewrap = writers.writes() - atStart;
        } finally {
            writers.stop();
        }
        assertTrue(report.complete());
        assertEquals(secrets, report.secrets());
        assertTrue(writesDuringRewrap >= secrets, "writers ran during the re-wrap: " + writesDuringRewrap);

        StageManager newKeyOnly = manager(EncryptingRepository.wrap(store,
                KeyEncryptionKeys.retire(rotated, old.getPrimary().getId())));
        assertEverythingReadable(newKeyOnly, secrets, written);
        assertAllWrappedBy(store, rotated);
        for (int i = 0; i < secrets; i++) {
            assertEquals(puts.get(name(i)).get(), store.load(new SecretKey(project, name(i))).orElseThrow()
                    .lastVersionNumber(), "no put lost on " + name(i));
        }
        RewrapReport again = repository.rewrap(project, null, RewrapListener.NONE);
        assertEquals(0, again.rewrapped(), "a second run finds everything under the primary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2", "pg"})
    void aRewrapInterruptedByAFailureResumesAfterTheLastSecretItReported(String kind) throws Exception {
        int secrets = TestValues.soak() ? 250 : 25;
        RewriteFailingStore store = new RewriteFailingStore(store(kind));
        KeysetHandle old = KeyEncryptionKeys.generate();
        StageManager before = manager(EncryptingRepository.wrap(store, old));
        Map<String, SecretValue> written = new ConcurrentHashMap<>();
        for (int i = 0; i < secrets; i++) {
            createRandom(before, name(i), written);
            clock.advance(Duration.ofSeconds(1));
            putRandom(before, name(i), written);
        }
        before.scheduleDeletion(project, name(3), 7); // pending deletion: re-wrapped too

        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        EncryptingRepository repository = EncryptingRepository.wrap(store, rotated);
        store.failRewrite(8);
        AtomicReference<RewrapReport> last = new AtomicReference<>();
        StoreException failure = assertThrows(StoreException.class,
                () -> repository.rewrap(project, null, last::set));
        assertTrue(failure.getMessage().contains("injected"));
        assertEquals(7, last.get().secrets());
        assertEquals(14, last.get().rewrapped());
        assertEquals(name(6), last.get().lastSecretName());

        store.failRewrite(-1);
        RewrapReport resumed = repository.rewrap(project, last.get().lastSecretName(), RewrapListener.NONE);
        assertTrue(resumed.complete());
        assertEquals(secrets - 7, resumed.secrets(), "the resumed run starts after the last reported secret");
        assertEquals(2L * (secrets - 7), resumed.rewrapped());
        assertEquals(secrets - 7, store.rewrites(), "one guarded rewrite per secret");
        assertAllWrappedBy(store, rotated);

        StageManager newKeyOnly = manager(EncryptingRepository.wrap(store,
                KeyEncryptionKeys.retire(rotated, old.getPrimary().getId())));
        newKeyOnly.restoreSecret(project, name(3));
        assertEverythingReadable(newKeyOnly, secrets, written);
    }

    @Test
    void withoutTheRewrapAValueUnderARetiredKeyIsAStoreFailureNamingTheKey() throws GeneralSecurityException {
        RewriteFailingStore store = new RewriteFailingStore(new InMemoryStageRepository());
        KeysetHandle old = KeyEncryptionKeys.generate();
        manager(EncryptingRepository.wrap(store, old)).createSecret(project, "s", SecretValue.ofString("x"));
        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        StageManager newKeyOnly = manager(EncryptingRepository.wrap(store,
                KeyEncryptionKeys.retire(rotated, old.getPrimary().getId())));
        io.secretstages.StageException e = assertThrows(io.secretstages.StageException.class,
                () -> newKeyOnly.getVersion(project, "s", "latest"));
        assertEquals(io.secretstages.ErrorCode.STORE_FAILURE, e.code());
        assertTrue(e.getMessage().contains(Integer.toUnsignedString(old.getPrimary().getId()))
                || String.valueOf(e.getCause()).contains(Integer.toUnsignedString(old.getPrimary().getId())), e::toString);
    }
}
