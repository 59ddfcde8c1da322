package io.secretstages.encryption;

import com.google.crypto.tink.KeysetHandle;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.store.jdbc.FaultInjectingDataSource;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.jdbc.SqlDialect;
import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.store.memory.InMemoryStageRepository;
import io.secretstages.tck.ForwardingStageRepository;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation across every project (docs/rules.md E4): {@link EncryptingRepository#rewrapAll} visits each project
 * the store lists ({@code StageRepository.listProjects}), under concurrent writers, so that the old key can be
 * removed; interrupted by a fault at any JDBC call, it resumes from the last project and secret it reported.
 */
class RewrapAllProjectsTest {
    private static final List<String> PROJECTS = List.of("team-a", "team-a-ops", "team-b");
    private static final AtomicLong DATABASES = new AtomicLong();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T00:00:00Z"));

    /** @return a fresh H2 database with the schema, its value column grown for envelopes */
    private static DataSource freshH2() {
        return TestDatabases.h2ForEnvelopes("rewrap-all-" + DATABASES.incrementAndGet() + "-" + System.nanoTime());
    }

    private static StageRepository h2Store(DataSource ds) {
        return JdbcStageRepository.builder(ds).dialect(SqlDialect.H2).allowDelayedWrites(true).build();
    }

    private StageManager manager(StageRepository repository) {
        return StageManager.builder().repository(repository).clock(clock).build();
    }

    private static String name(int i) {
        return String.format("s%02d", i);
    }

    /** Writes {@code secrets} secrets of two versions in each project; returns every value by project/secret/id. */
    private Map<String, SecretValue> populate(StageManager m, int secrets) {
        Map<String, SecretValue> written = new ConcurrentHashMap<>();
        for (String p : PROJECTS) {
            for (int i = 0; i < secrets; i++) {
                SecretValue v = TestValues.random(48);
                m.createSecret(p, name(i), v);
                written.put(p + "/" + name(i) + "/v1", v);
                SecretValue w = TestValues.random(48);
                written.put(p + "/" + name(i) + "/" + m.putVersion(p, name(i), w).id(), w);
            }
        }
        m.scheduleDeletion(PROJECTS.get(2), name(0), 7); // pending deletion: re-wrapped too
        return written;
    }

    /**
     * Reads every version of every secret of every project with {@code m} and compares it with what was written.
     *
     * @param evicting whether writers may have pushed versions past the version limit (then fewer are listed)
     */
    private static void assertEverythingReadable(StageManager m, int secrets, Map<String, SecretValue> written,
                                                 boolean evicting) {
        int versions = 0;
        for (String p : PROJECTS) {
            for (int i = 0; i < secrets; i++) {
                List<VersionMetadata> listed = m.listVersions(p, name(i));
                assertTrue(listed.size() >= 2, p + "/" + name(i) + " keeps its versions");
                for (VersionMetadata v : listed) {
                    SecretVersion read = m.getVersion(p, name(i), v.id());
                    String where = p + "/" + name(i) + "/" + v.id();
                    assertEquals(written.get(where), read.value(), where);
                    versions++;
                }
            }
        }
        if (!evicting) {
            assertEquals(written.size(), versions, "every version written is there");
        }
    }

    /** Asserts that every stored envelope, in every project the store lists, records the keyset's primary. */
    private static void assertAllWrappedBy(StageRepository plain, KeysetHandle keyset) {
        List<String> projects = plain.listProjects(null, 100);
        assertEquals(PROJECTS, projects);
        for (String p : projects) {
            for (SecretRecord r : plain.listSecrets(p, null, Instant.EPOCH, 1000)) {
                SecretSnapshot s = plain.load(r.key()).orElseThrow();
                s.versions().forEach(v -> assertEquals(keyset.getPrimary().getId(), EnvelopeSealer.recordedKeyId(
                        plain.loadValue(s, v.number()).orElseThrow().binary().orElseThrow()), r.key() + " v" + v));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "h2"})
    void rewrapAllUnderConcurrentWritersReachesEveryProjectLosesNothingAndTheOldKeyCanGo(String kind)
            throws Exception {
        int secrets = TestValues.soak() ? 100 : 12;
        StageRepository plain = kind.equals("memory") ? new InMemoryStageRepository() : h2Store(freshH2());
        KeysetHandle old = KeyEncryptionKeys.generate();
        Map<String, SecretValue> written = populate(manager(TestKeys.encrypted(plain, old)), secrets);
        Map<String, AtomicLong> puts = new ConcurrentHashMap<>();
        for (String p : PROJECTS) {
            for (int i = 0; i < secrets; i++) {
                puts.put(p + "/" + name(i), new AtomicLong(2));
            }
        }

        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        EncryptingRepository repository = TestKeys.encrypted(plain, rotated);
        BackgroundWriters writers = new BackgroundWriters(3, t -> {
            StageManager writer = manager(TestKeys.encrypted(plain, rotated)); // every node has the new keyset
            return () -> {
                String p = PROJECTS.get(ThreadLocalRandom.current().nextInt(PROJECTS.size()));
                String s = name(1 + ThreadLocalRandom.current().nextInt(secrets - 1)); // s00 of one is pending
                SecretValue v = TestValues.random(48);
                written.put(p + "/" + s + "/" + writer.putVersion(p, s, v).id(), v);
                puts.get(p + "/" + s).incrementAndGet();
            };
        });
        Set<String> reportedProjects = new TreeSet<>();
        RewrapListener letAWriterIn = writers.letAWriterIn();
        RewrapReport report;
        long writesDuringRewrap;
        try {
            long atStart = writers.writes();
            report = repository.rewrapAll(null, null, progress -> {
                reportedProjects.add(progress.projectId());
                letAWriterIn.secretDone(progress);
            });
            writesDuringRewrap = writers.writes() - atStart;
        } finally {
            writers.stop();
        }
        assertTrue(report.complete());
        assertEquals(PROJECTS.size() * (long) secrets, report.secrets());
        assertEquals(new TreeSet<>(PROJECTS), reportedProjects, "every project visited");
        assertTrue(writesDuringRewrap >= report.secrets(), "writers ran during the re-wrap: " + writesDuringRewrap);

        StageManager newKeyOnly = manager(TestKeys.encrypted(plain,
                KeyEncryptionKeys.retire(rotated, old.getPrimary().getId())));
        newKeyOnly.restoreSecret(PROJECTS.get(2), name(0));
        assertEverythingReadable(newKeyOnly, secrets, written, true);
        assertAllWrappedBy(plain, rotated);
        puts.forEach((ps, n) -> {
            String[] parts = ps.split("/");
            assertEquals(n.get(), plain.load(new SecretKey(parts[0], parts[1])).orElseThrow().lastVersionNumber(),
                    "no put lost on " + ps);
        });
        assertEquals(0, repository.rewrapAll(null, null, RewrapListener.NONE).rewrapped(),
                "a second run finds everything under the primary");
    }

    /**
     * A fault at a spread of the JDBC calls of a whole re-wrap (the call fails, the connection drops, or the call
     * succeeds and reports an error): the re-wrap stops with a {@link StoreException}; resumed from the last project
     * and secret it reported, it does exactly the secrets not reported, and afterwards every value opens with the new
     * key alone.
     */
    @Test
    void aRewrapAllInterruptedByAFaultResumesFromTheLastReportedProjectAndSecret() throws Exception {
        int secrets = 2;
        int total = PROJECTS.size() * secrets;
        int points = 0;
        int interrupted = 0;
        for (FaultInjectingDataSource.Mode mode : FaultInjectingDataSource.Mode.values()) {
            for (int n = 1; points == 0 || n <= points; n += points == 0 ? 0 : Math.max(1, points / 5)) {
                DataSource clean = freshH2();
                KeysetHandle old = KeyEncryptionKeys.generate();
                Map<String, SecretValue> written = populate(manager(TestKeys.encrypted(h2Store(clean), old)), secrets);
                KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
                FaultInjectingDataSource faulty = new FaultInjectingDataSource(clean,
                        points == 0 ? Integer.MAX_VALUE : n, mode);
                AtomicReference<RewrapReport> last = new AtomicReference<>();
                StoreException failure = null;
                try {
                    TestKeys.encrypted(h2Store(faulty.dataSource), rotated).rewrapAll(null, null, last::set);
                } catch (StoreException e) {
                    failure = e;
                }
                String where = mode + " at point " + n + " (" + faulty.injectedAt() + ")";
                if (points == 0) { // the first run, without a fault, counts the points of a whole re-wrap
                    assertEquals(null, failure, where);
                    points = faulty.points();
                    assertTrue(points > 2 * total, "each secret passes several points: " + points);
                    continue;
                }
                EncryptingRepository repository = TestKeys.encrypted(h2Store(clean), rotated);
                if (failure != null) {
                    interrupted++;
                    RewrapReport from = last.get();
                    RewrapReport resumed = from == null ? repository.rewrapAll(null, null, RewrapListener.NONE)
                            : repository.rewrapAll(from.projectId(), from.lastSecretName(), RewrapListener.NONE);
                    assertTrue(resumed.complete(), where);
                    assertEquals(total - (from == null ? 0 : from.secrets()), resumed.secrets(),
                            where + ": the resumed run does exactly the secrets not reported");
                }
                assertAllWrappedBy(h2Store(clean), rotated);
                StageManager newKeyOnly = manager(TestKeys.encrypted(h2Store(clean),
                        KeyEncryptionKeys.retire(rotated, old.getPrimary().getId())));
                newKeyOnly.restoreSecret(PROJECTS.get(2), name(0));
                assertEverythingReadable(newKeyOnly, secrets, written, false);
            }
        }
        assertTrue(interrupted >= 6, "most faults interrupt the re-wrap: " + interrupted);
    }

    @Test
    void aBadStartingPositionIsRefusedBeforeTheStoreIsRead() {
        EncryptingRepository repository = TestKeys.encrypted(new ForwardingStageRepository(
                new InMemoryStageRepository()) {
            @Override
            protected void beforeRead(String method) {
                throw new AssertionError("read the store: " + method);
            }
        });
        assertThrows(IllegalArgumentException.class, () -> repository.rewrapAll(null, "s01", RewrapListener.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> repository.rewrapAll("no/such project", null, RewrapListener.NONE));
        assertThrows(IllegalArgumentException.class, () -> repository.rewrapAll("", null, RewrapListener.NONE));
    }
}
