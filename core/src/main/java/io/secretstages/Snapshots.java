package io.secretstages;

import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.VersionRead;

import java.util.Optional;

/**
 * Where snapshots come from, the one seam between the manager and its caches. Three configurations:
 * <ul>
 *   <li><b>store</b>: every read and every plan reads the store;</li>
 *   <li><b>read cache</b> ({@link CacheSettings}): reads and plans are served from a {@link SnapshotCache} kept up
 *       to date by this manager's own writes, within the staleness bound for other nodes' writes;</li>
 *   <li><b>write cache</b> (no read cache, {@code writeCacheSize > 0}): reads go to the store; plans start from
 *       the snapshot this manager's last write produced, so a write after a write needs no read.</li>
 * </ul>
 * A plan made from a cached snapshot is safe: the store applies it only at that revision. {@link OptimisticWriter}
 * confirms every refusal and no-op against {@link #fresh} before it stands.
 */
final class Snapshots {
    /** A snapshot for planning, and whether it was read from the store just now (so a refusal on it stands). */
    record ForPlanning(Optional<SecretSnapshot> snapshot, boolean fresh) {
    }

    private final StoreCalls store;
    /** Null without any cache. */
    private final SnapshotCache cache;
    private final boolean cacheServesReads;

    private Snapshots(StoreCalls store, SnapshotCache cache, boolean cacheServesReads) {
        this.store = store;
        this.cache = cache;
        this.cacheServesReads = cacheServesReads;
    }

    static Snapshots direct(StoreCalls store) {
        return new Snapshots(store, null, false);
    }

    static Snapshots readCache(StoreCalls store, CacheSettings settings) {
        return new Snapshots(store, new SnapshotCache(store, settings, true), true);
    }

    static Snapshots writeCache(StoreCalls store, CacheSettings settings) {
        return new Snapshots(store, new SnapshotCache(store, settings, false), false);
    }

    /** A snapshot for a read (R16, R17): cached if the read cache is on. */
    Optional<SecretSnapshot> forRead(SecretKey key) {
        if (!cacheServesReads) {
            return store.load(key);
        }
        SnapshotCache.Entry e = cache.get(key);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    /** A stage for {@code getStage}: the store's own stage query, or the cached snapshot. */
    StageLookup stageForRead(SecretKey key, String stageName) {
        if (!cacheServesReads) {
            return store.loadStage(key, stageName);
        }
        SnapshotCache.Entry e = cache.get(key);
        return e == null ? StageLookup.SECRET_NOT_FOUND : StageLookup.in(e.snapshot, stageName);
    }

    /**
     * A version read (R16): the store's ({@link io.secretstages.spi.StageRepository#loadVersion}, one atomic read),
     * or one made from the read cache's snapshot with the value it keeps (read from the store and kept on a miss).
     * If the store no longer has a cached snapshot's version, the entry is dropped so that the caller's retry reads
     * the store.
     *
     * @param stageName the stage whose holder is read, or null when {@code versionNumber > 0}
     * @param versionNumber the version read, or 0 for the holder of {@code stageName}
     */
    Optional<VersionRead> forVersionRead(SecretKey key, String stageName, long versionNumber) {
        if (!cacheServesReads) {
            return store.loadVersion(key, stageName, versionNumber);
        }
        SnapshotCache.Entry e = cache.get(key);
        return e == null ? Optional.empty()
                : Optional.of(VersionRead.in(e.snapshot, stageName, versionNumber, number -> value(e, number)));
    }

    private Optional<SecretValue> value(SnapshotCache.Entry e, long number) {
        SecretValue cached = e.values.get(number);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<SecretValue> v = store.loadValue(e.snapshot, number);
        if (v.isPresent()) {
            e.values.putIfAbsent(number, v.get());
        } else {
            cache.dropIfStale(e.snapshot.key(), e);
        }
        return v;
    }

    /** A snapshot to plan a write from: cached if any cache is on. */
    ForPlanning forPlanning(SecretKey key) {
        if (cache == null) {
            return new ForPlanning(store.load(key), true);
        }
        boolean[] loaded = {false};
        SnapshotCache.Entry e = cache.get(key, loaded);
        return new ForPlanning(e == null ? Optional.empty() : Optional.of(e.snapshot), loaded[0]);
    }

    /** The store's snapshot now, refreshing any cache. */
    ForPlanning fresh(SecretKey key) {
        return new ForPlanning(cache == null ? store.load(key) : cache.reload(key), true);
    }

    /** The store applied {@code change}; its new revision is {@code newRevision}. */
    void committed(SecretChange change, long newRevision) {
        if (cache != null) {
            cache.committed(change, newRevision);
        }
    }

    /** The secret was deleted, or a write on it lost a race or failed: forget what is cached. */
    void forget(SecretKey key) {
        if (cache != null) {
            cache.drop(key);
        }
    }

    /** @return the read cache's counters, or null */
    CacheStatistics statistics() {
        return cacheServesReads ? cache.statistics() : null;
    }
}
