package io.secretstages;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read cache: read-your-writes under concurrent reloads, the staleness bound, and store-checked refusals. */
class CacheConsistencyTest {
    private static final String P = "p";

    /** A store whose reads yield half-way, so that reloads overlap writes as often as possible. */
    private static MapStore slowReads() {
        MapStore store = new MapStore();
        store.yieldingReads = true;
        return store;
    }

    private static long number(String id) {
        return Long.parseLong(id.substring(1));
    }

    @Test
    void afterAWriteReturnsEveryLaterReadOnThisManagerSeesIt() throws Exception {
        // Expiry so short that nearly every read reloads from the store, racing the writes.
        AtomicLong ticks = new AtomicLong();
        StageManager m = StageManager.builder().repository(slowReads())
                .cache(CacheSettings.expireAfterWrite(Duration.ofNanos(50)).ticker(() -> ticks.addAndGet(7))
                        .recordStatistics())
                .build();
        m.createSecret(P, "s", SecretValue.ofString("v1"));
        AtomicLong acknowledged = new AtomicLong(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        int writers = 2;
        int readers = 4;
        CyclicBarrier start = new CyclicBarrier(writers + readers);
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 3_000; i++) {
                    SecretVersion v = m.putVersion(P, "s", SecretValue.ofString("x" + i));
                    acknowledged.accumulateAndGet(number(v.id()), Math::max);
                }
                return null;
            }));
        }
        for (int r = 0; r < readers; r++) {
            int kind = r;
            futures.add(pool.submit(() -> {
                start.await();
                while (writing.get()) {
                    long floor = acknowledged.get();
                    long seen;
                    if (kind % 2 == 0) {
                        seen = number(m.getStage(P, "s", Stages.SYSCURRENT).versionId());
                    } else {
                        List<VersionMetadata> versions = m.listVersions(P, "s");
                        seen = number(versions.get(versions.size() - 1).id());
                    }
                    assertTrue(seen >= floor, "read v" + seen + " after v" + floor + " was acknowledged");
                    reads.incrementAndGet();
                }
                return null;
            }));
        }
        for (int i = 0; i < writers; i++) {
            futures.get(i).get(5, TimeUnit.MINUTES);
        }
        writing.set(false);
        for (Future<?> f : futures) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdownNow();
        assertEquals(1 + writers * 3_000L, number(m.getVersion(P, "s", "latest").id()));
        CacheStatistics stats = m.cacheStatistics().orElseThrow();
        assertTrue(stats.misses() > 100, "reads did reload while writers wrote: " + stats);
        System.out.printf("cache read-your-writes: %d reads checked, %s%n", reads.get(), stats);
    }

    @Test
    void statisticsCountEveryHitAndMissWhenAskedForAndAreAbsentOtherwise() {
        AtomicLong nanos = new AtomicLong();
        StageManager m = StageManager.builder().repository(new MapStore())
                .cache(CacheSettings.expireAfterWrite(Duration.ofSeconds(5)).maximumSize(2).ticker(nanos::get)
                        .recordStatistics()).build();
        m.createSecret(P, "a", SecretValue.ofString("one")); // a create installs the entry: no read
        for (int i = 0; i < 7; i++) {
            m.getStage(P, "a", Stages.SYSCURRENT);
        }
        assertEquals(new CacheStatistics(7, 0, 0, 1), m.cacheStatistics().orElseThrow());
        nanos.addAndGet(Duration.ofSeconds(5).toNanos()); // expired: the next read is a miss
        m.getStage(P, "a", Stages.SYSCURRENT);
        m.getStage(P, "a", Stages.SYSCURRENT);
        assertThrows(StageException.class, () -> m.getStage(P, "nope", Stages.SYSCURRENT)); // a miss, not cached
        CacheStatistics s = m.cacheStatistics().orElseThrow();
        assertEquals(8, s.hits(), s::toString);
        assertEquals(2, s.misses(), s::toString);
        assertEquals(8 / 10.0, s.hitRate(), 1e-9);

        StageManager quiet = StageManager.builder().repository(new MapStore())
                .cache(CacheSettings.expireAfterWrite(Duration.ofSeconds(5))).build();
        quiet.createSecret(P, "a", SecretValue.ofString("one"));
        quiet.getStage(P, "a", Stages.SYSCURRENT);
        assertTrue(quiet.cacheStatistics().isEmpty(), "statistics are opt-in, as in Caffeine");
        assertTrue(StageManager.builder().repository(new MapStore()).build().cacheStatistics()
                .isEmpty(), "no cache, no statistics");
    }

    @Test
    void aVersionRemovedByAnotherNodeIsNotFoundAtOnceWhenItsValueWasNeverCached() {
        // R15 on another node removes v1 while this node's cached snapshot still lists it (its value not cached):
        // reading v1 must ask the store again, not retry the stale snapshot until it expires (an hour here).
        MapStore shared = new MapStore();
        StageManager cached = StageManager.builder().repository(shared).maxStages(2).maxVersions(3)
                .cache(CacheSettings.expireAfterWrite(Duration.ofHours(1))).build();
        StageManager otherNode = StageManager.builder().repository(shared).maxStages(2).maxVersions(3).build();
        otherNode.createSecret(P, "s", SecretValue.ofString("one"));
        otherNode.putVersion(P, "s", SecretValue.ofString("two"));
        otherNode.putVersion(P, "s", SecretValue.ofString("three"));
        assertEquals(3, cached.listVersions(P, "s").size()); // cached: v1-v3, without values
        otherNode.putVersion(P, "s", SecretValue.ofString("four")); // removes v1, which holds no stage (R15)
        StageException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(StageException.class, () -> cached.getVersion(P, "s", "v1")));
        assertEquals(ErrorCode.VERSION_NOT_FOUND, e.code());
        assertEquals("four", cached.getVersion(P, "s", "latest").value().string().orElseThrow(),
                "the entry was read again from the store");
    }

    @Test
    void otherNodesWritesBecomeVisibleWithinTheStalenessBound() {
        MapStore shared = new MapStore();
        AtomicLong nanos = new AtomicLong();
        StageManager cached = StageManager.builder().repository(shared)
                .cache(CacheSettings.expireAfterWrite(Duration.ofSeconds(5)).ticker(nanos::get)).build();
        StageManager otherNode = StageManager.builder().repository(shared).build();
        cached.createSecret(P, "s", SecretValue.ofString("one"));
        assertEquals("v1", cached.getStage(P, "s", Stages.SYSCURRENT).versionId());
        otherNode.putVersion(P, "s", SecretValue.ofString("two"));
        nanos.addAndGet(Duration.ofMillis(4_999).toNanos());
        assertEquals("v1", cached.getStage(P, "s", Stages.SYSCURRENT).versionId(), "served from the cache");
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertEquals("v2", cached.getStage(P, "s", Stages.SYSCURRENT).versionId(), "visible at the bound");
        assertEquals("two", cached.getVersion(P, "s", "latest").value().string().orElseThrow());
    }

    @Test
    void refusalsAndGuardedUpdatesAreDecidedByTheStoreNotTheCache() {
        MapStore shared = new MapStore();
        StageManager cached = StageManager.builder().repository(shared)
                .cache(CacheSettings.expireAfterWrite(Duration.ofHours(1))).build();
        StageManager otherNode = StageManager.builder().repository(shared).build();
        cached.createSecret(P, "s", SecretValue.ofString("one"));
        cached.getStage(P, "s", Stages.SYSCURRENT); // cached: v1 is current
        otherNode.putVersion(P, "s", SecretValue.ofString("two"), Set.of("pending"));
        otherNode.updateStage(P, "s", Stages.SYSCURRENT, "v2");
        // The cache still says v1 holds SYSCURRENT and v2 does not exist; the store says otherwise.
        assertEquals("v2", cached.updateStage(P, "s", "blue", "v2").versionId(), "no stale VERSION_NOT_FOUND");
        assertEquals("v1", cached.updateStage(P, "s", Stages.SYSCURRENT, "v1", Optional.of("v2")).versionId(),
                "guarded update checked against the store, not refused from the stale cache");
        StageException e = org.junit.jupiter.api.Assertions.assertThrows(StageException.class,
                () -> cached.updateStage(P, "s", Stages.SYSCURRENT, "v2", Optional.of("v2")));
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals("v1", otherNode.getStage(P, "s", Stages.SYSCURRENT).versionId());
        assertEquals("v2", otherNode.getStage(P, "s", Stages.SYSPREVIOUS).versionId());
    }
}
