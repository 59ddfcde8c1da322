package io.secretstages;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StageTables;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A read cache in front of any store (Caffeine), used by {@link StageManager} when {@link CacheSettings} are given.
 *
 * <p>Each entry is one secret's snapshot plus the values of its versions read so far. Loads run inside the cache's
 * per-key computation, and every write updates the entry in a per-key computation after the store committed, so a
 * write waits for a reload in flight and then installs its own state: a reload can never put an older state back.
 * A write whose base is not the cached revision, a lost race, a failure, a delete and a change of the deletion time
 * (R8, rare) all drop the entry instead, after the store answered. Listing is not cached.
 * There is no refresh-ahead (an asynchronous reload could race a write); expiry alone bounds staleness.
 */
final class CachingRepository implements StageRepository {

    static final class Entry {
        final SecretSnapshot snapshot;
        final Map<Long, SecretValue> values;
        /** {@link StageTables} built on the first stage read; a race builds it twice, harmlessly. */
        private volatile Object[] stages;

        Entry(SecretSnapshot snapshot, Map<Long, SecretValue> values) {
            this.snapshot = snapshot;
            this.values = values;
        }

        io.secretstages.spi.StageLookup lookup(String stageName) {
            Object[] t = stages;
            if (t == null) {
                stages = t = StageTables.of(snapshot);
            }
            return StageTables.find(t, stageName);
        }
    }

    private final StageRepository store;
    private final Cache<SecretKey, Entry> cache;
    private final boolean statistics;

    CachingRepository(StageRepository store, CacheSettings settings) {
        this.store = store;
        this.loader = k -> store.load(k).map(s -> new Entry(s, new ConcurrentHashMap<>())).orElse(null);
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(settings.maximumSize())
                .expireAfterWrite(settings.staleness())
                .ticker(settings.nanoTicker()::getAsLong)
                .executor(Runnable::run); // maintenance on the calling thread: no hand-off to a pool per write
        this.statistics = settings.statisticsRecorded();
        this.cache = (statistics ? builder.recordStats() : builder).build();
    }

    /** Reads one secret from the store into an entry; one instance, so that a cache hit allocates no lambda. */
    private final java.util.function.Function<SecretKey, Entry> loader;

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        Entry e = cache.get(key, loader);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    @Override
    public io.secretstages.spi.StageLookup loadStage(SecretKey key, String stageName) {
        Entry e = cache.get(key, loader);
        return e == null ? io.secretstages.spi.StageLookup.SECRET_NOT_FOUND : e.lookup(stageName);
    }

    /**
     * One cache read for a version read: the entry holds the snapshot and the values read so far, so the value is
     * found without a second cache lookup (and a second clock read).
     *
     * @return the secret's entry, or null if the store has no such secret
     */
    Entry entry(SecretKey key) {
        return cache.get(key, loader);
    }

    /**
     * @param e an entry from {@link #entry(SecretKey)}
     * @return the version's value: cached in the entry, else read from the store and remembered there. If the
     *         store no longer has it (another node removed the version, R15), the entry is stale and is dropped, so
     *         that the caller's retry reads the store instead of the same stale snapshot until it expires.
     */
    Optional<SecretValue> value(Entry e, SecretKey key, long versionNumber) {
        SecretValue cached = e.values.get(versionNumber);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<SecretValue> v = store.loadValue(key, versionNumber);
        if (v.isPresent()) {
            e.values.putIfAbsent(versionNumber, v.get());
        } else {
            cache.asMap().remove(key, e); // only this entry: a newer one installed meanwhile stays
        }
        return v;
    }

    /**
     * @param fromStore set to true if the snapshot was read from the store by this call (a miss), not served cached
     * @return as {@link #load(SecretKey)}
     */
    Optional<SecretSnapshot> load(SecretKey key, boolean[] fromStore) {
        Entry e = cache.get(key, k -> {
            fromStore[0] = true;
            return loader.apply(k);
        });
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    /** Reads the store, bypassing and refreshing the cache. */
    Optional<SecretSnapshot> loadFresh(SecretKey key) {
        cache.invalidate(key);
        return load(key);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        Entry e = cache.getIfPresent(key);
        if (e == null || e.snapshot.version(versionNumber).isEmpty()) {
            return store.loadValue(key, versionNumber);
        }
        return value(e, key, versionNumber);
    }

    @Override
    public boolean apply(SecretChange change) {
        SecretKey key = change.key();
        boolean applied;
        try {
            applied = store.apply(change);
        } catch (RuntimeException e) {
            cache.invalidate(key);
            throw e;
        }
        if (!applied) {
            cache.invalidate(key); // another writer won: the next read must see the store
            return false;
        }
        cache.asMap().compute(key, (k, old) -> next(old, change));
        return true;
    }

    /** The entry after a committed change, or null to drop it when its base is unknown. */
    private static Entry next(Entry old, SecretChange change) {
        if (change.creates()) {
            Map<Long, SecretValue> values = new ConcurrentHashMap<>();
            change.newVersion().ifPresent(v -> values.put(v.number(), v.value()));
            return new Entry(SecretSnapshot.created(change), values);
        }
        if (old == null || old.snapshot.revision() < change.expectedRevision()) {
            return null;
        }
        if (old.snapshot.revision() > change.expectedRevision()) {
            return old; // a reload after the commit already holds this change or a later one
        }
        Map<Long, SecretValue> values = old.values; // values never change: shared unless versions come or go
        if (change.newVersion().isPresent() || !change.removedVersions().isEmpty()) {
            values = new ConcurrentHashMap<>(old.values);
            values.keySet().removeAll(change.removedVersions());
            Map<Long, SecretValue> target = values;
            change.newVersion().ifPresent(v -> target.put(v.number(), v.value()));
        }
        return new Entry(old.snapshot.apply(change), values);
    }

    @Override
    public boolean delete(SecretKey key, long expectedRevision) {
        try {
            return store.delete(key, expectedRevision);
        } finally {
            cache.invalidate(key);
        }
    }

    @Override
    public boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime) {
        try {
            return store.setDeletionTime(key, expectedRevision, deletionTime);
        } finally {
            cache.invalidate(key);
        }
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        return store.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return store.listDeletionsDue(asOf, limit);
    }

    /** @return the counters, or null if the settings did not ask to record them */
    CacheStatistics statistics() {
        if (!statistics) {
            return null;
        }
        CacheStats s = cache.stats();
        return new CacheStatistics(s.hitCount(), s.missCount(), s.evictionCount(), cache.estimatedSize());
    }
}
