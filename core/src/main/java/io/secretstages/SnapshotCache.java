package io.secretstages;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Snapshots of secrets (and, in the read cache, the values read so far) by key, in a Caffeine cache: the read cache
 * and the write cache are both one of these (see {@link Snapshots}).
 *
 * <p>Loads run inside the cache's per-key computation, and a committed write updates the entry in a per-key
 * computation after the store answered, so a write waits for a load in flight and then installs its own state: a
 * load can never put an older state back. An entry is replaced only if it is the write's base revision; one that is
 * already at the write's new revision stays; any other is dropped (revisions are opaque: their order is unknown).
 * Lost races, failures and deletions drop the entry. There is no refresh-ahead; expiry alone bounds staleness.
 */
final class SnapshotCache {
    /** One secret: its snapshot, and the values of its versions read (or written) so far. */
    static final class Entry {
        final SecretSnapshot snapshot;
        final Map<Long, SecretValue> values;

        Entry(SecretSnapshot snapshot, Map<Long, SecretValue> values) {
            this.snapshot = snapshot;
            this.values = values;
        }
    }

    private final Cache<SecretKey, Entry> cache;
    private final boolean statistics;
    /** False for the write cache, which serves no reads: its entries keep no values, and a write copies none. */
    private final boolean keepsValues;
    /** One loader instance, so that a hit allocates no lambda. */
    private final Function<SecretKey, Entry> loader;

    /**
     * @param keepsValues whether entries keep the values read and written (the read cache) or none (the write
     *                    cache, which only plans writes)
     */
    SnapshotCache(StoreCalls store, CacheSettings settings, boolean keepsValues) {
        this.keepsValues = keepsValues;
        this.loader = k -> store.load(k).map(s -> new Entry(s, newValues())).orElse(null);
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(settings.maximumSize())
                .expireAfterWrite(settings.staleness())
                .ticker(ticker(settings))
                .executor(Runnable::run); // maintenance on the calling thread: no hand-off to a pool per write
        this.statistics = settings.statisticsRecorded();
        this.cache = (statistics ? builder.recordStats() : builder).build();
    }

    /** A hit reads this ticker once: the shared millisecond ticker unless the settings name another. */
    private Ticker ticker(CacheSettings settings) {
        LongSupplier custom = settings.nanoTicker();
        if (custom != null) {
            return custom::getAsLong;
        }
        CoarseTicker.SHARED.register(this);
        return CoarseTicker.SHARED::read;
    }

    /** @return the entry, loaded from the store on a miss; null if the store has no such secret */
    Entry get(SecretKey key) {
        return cache.get(key, loader);
    }

    /**
     * @param loaded set to true if this call loaded the entry from the store
     * @return the entry, loaded on a miss; null if the store has no such secret
     */
    Entry get(SecretKey key, boolean[] loaded) {
        return cache.get(key, k -> {
            loaded[0] = true;
            return loader.apply(k);
        });
    }

    /** Reads the store again, replacing the entry. */
    Optional<SecretSnapshot> reload(SecretKey key) {
        cache.invalidate(key);
        Entry e = get(key);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    /** A value the store no longer has means the entry is stale: drop that entry (a newer one installed stays). */
    void dropIfStale(SecretKey key, Entry e) {
        cache.asMap().remove(key, e);
    }

    void drop(SecretKey key) {
        cache.invalidate(key);
    }

    private Map<Long, SecretValue> newValues() {
        return keepsValues ? new ConcurrentHashMap<>() : Map.of();
    }

    /** The store committed {@code change} at {@code newRevision}. */
    void committed(SecretChange change, long newRevision) {
        SecretSnapshot next = change.result().withRevision(newRevision);
        cache.asMap().compute(change.key(), (k, old) -> {
            if (change.creates()) {
                Map<Long, SecretValue> values = newValues();
                if (keepsValues) {
                    change.newVersion().ifPresent(v -> values.put(v.number(), v.value()));
                }
                return new Entry(next, values);
            }
            if (old == null || old.snapshot.revision() != change.expectedRevision()) {
                return old != null && old.snapshot.revision() == newRevision ? old : null;
            }
            Map<Long, SecretValue> values = old.values; // values never change: shared unless versions come or go
            if (keepsValues && (change.newVersion().isPresent() || !change.removedVersions().isEmpty())) {
                values = new ConcurrentHashMap<>(old.values);
                values.keySet().removeAll(change.removedVersions());
                Map<Long, SecretValue> target = values;
                change.newVersion().ifPresent(v -> target.put(v.number(), v.value()));
            }
            return new Entry(next, values);
        });
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
