package io.secretstages;

/**
 * Counters of a {@link StageManager}'s cache since it was built.
 *
 * @param hits reads of a secret's metadata served from the cache
 * @param misses reads of a secret's metadata that went to the store
 * @param evictions entries removed for size or expiry
 * @param size entries held now (approximate)
 */
public record CacheStatistics(long hits, long misses, long evictions, long size) {
    /** @return hits divided by all reads, or 1 when nothing was read */
    public double hitRate() {
        long total = hits + misses;
        return total == 0 ? 1.0 : (double) hits / total;
    }
}
