package io.secretstages;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How a {@link StageManager} caches what it reads from its store (see {@link StageManager.Builder#cache}).
 * Immutable; each {@code with}-style method returns a new instance.
 *
 * <p><b>What the cache guarantees.</b> A write through the manager updates (or drops) the cached entry only after
 * the store committed it, and no concurrent reload can put an older state back afterwards: once a write returns,
 * every later read on the same manager sees it or something newer. Writes made through <i>other</i> managers (other
 * nodes over the same database) become visible on this one within {@link #staleness()}: a cached entry is never
 * older than that. Writes are always decided by the store: a change computed from a stale entry fails the store's
 * revision check and is retried from a fresh read, and a refusal (for example a guarded update's {@code CONFLICT},
 * R20) computed from a cached entry is confirmed against the store before it is thrown.
 */
public final class CacheSettings {
    private final Duration staleness;
    private final long maximumSize;
    private final LongSupplier nanoTicker;
    private final boolean statistics;

    private CacheSettings(Duration staleness, long maximumSize, LongSupplier nanoTicker, boolean statistics) {
        this.staleness = staleness;
        this.maximumSize = maximumSize;
        this.nanoTicker = nanoTicker;
        this.statistics = statistics;
    }

    /**
     * @param staleness how long a cached secret may be served before it is read again; bounds how late this manager
     *                  sees other nodes' writes. Positive.
     * @return settings with at most 100,000 cached secrets
     * @throws IllegalArgumentException if {@code staleness} is not positive
     */
    public static CacheSettings expireAfterWrite(Duration staleness) {
        Objects.requireNonNull(staleness, "staleness");
        if (staleness.isNegative() || staleness.isZero()) {
            throw new IllegalArgumentException("staleness must be positive");
        }
        return new CacheSettings(staleness, 100_000, null, false);
    }

    /**
     * @param maximumSize how many secrets the cache holds at most (least recently used go first); positive
     * @return new settings
     */
    public CacheSettings maximumSize(long maximumSize) {
        if (maximumSize <= 0) {
            throw new IllegalArgumentException("maximumSize must be positive");
        }
        return new CacheSettings(staleness, maximumSize, nanoTicker, statistics);
    }

    /**
     * @param nanoTicker the time source of expiry, in nanoseconds; for tests. The default is {@link System#nanoTime()}
     *                   as a shared daemon thread reads it every millisecond (a hit then reads no clock); the thread
     *                   ends by itself once no cache of the JVM uses it.
     * @return new settings
     */
    public CacheSettings ticker(LongSupplier nanoTicker) {
        return new CacheSettings(staleness, maximumSize, Objects.requireNonNull(nanoTicker, "nanoTicker"), statistics);
    }

    /**
     * Counts hits, misses and evictions, read with {@link StageManager#cacheStatistics()}. Off by default, as in
     * Caffeine: an exact count costs every cached read an atomic increment of a shared counter, about a third of a
     * cache hit's time.
     *
     * @return new settings that record statistics
     */
    public CacheSettings recordStatistics() {
        return new CacheSettings(staleness, maximumSize, nanoTicker, true);
    }

    /** @return whether statistics are recorded */
    public boolean statisticsRecorded() {
        return statistics;
    }

    /** @return the staleness bound */
    public Duration staleness() {
        return staleness;
    }

    /** @return the maximum number of cached secrets */
    public long maximumSize() {
        return maximumSize;
    }

    /** @return the ticker set by {@link #ticker}, or null for the shared millisecond ticker */
    LongSupplier nanoTicker() {
        return nanoTicker;
    }

    @Override
    public String toString() {
        return "CacheSettings[staleness=" + staleness + ", maximumSize=" + maximumSize + ", statistics=" + statistics
                + "]";
    }
}
