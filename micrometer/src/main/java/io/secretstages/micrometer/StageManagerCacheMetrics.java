package io.secretstages.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.secretstages.CacheSettings;
import io.secretstages.CacheStatistics;
import io.secretstages.StageManager;

import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The read cache of a {@link StageManager} as meters: gauges {@value #SIZE} (entries held) and {@value #HIT_RATIO}
 * (hits over all reads since the manager was built), and function counters {@value #GETS} tagged
 * {@code result=hit|miss} and {@value #EVICTIONS}. Bound only when the manager was built with a cache whose settings
 * {@link CacheSettings#recordStatistics() record statistics}; otherwise {@link #bindTo} registers nothing (the counts
 * do not exist). The meters hold the manager weakly, as Micrometer's own cache binders do.
 *
 * <pre>{@code
 * new StageManagerCacheMetrics(stages).bindTo(meterRegistry);
 * }</pre>
 */
public final class StageManagerCacheMetrics implements MeterBinder {
    /** Gauge: cached secrets held now. */
    public static final String SIZE = "secretstages.cache.size";
    /** Gauge: hits divided by all cached reads (1 before the first read). */
    public static final String HIT_RATIO = "secretstages.cache.hit.ratio";
    /** Function counter of cached reads, tagged {@code result=hit} or {@code result=miss}. */
    public static final String GETS = "secretstages.cache.gets";
    /** Function counter of entries evicted for size or expiry. */
    public static final String EVICTIONS = "secretstages.cache.evictions";

    private final StageManager manager;
    private final List<Tag> tags;

    /**
     * @param manager the manager whose cache is measured
     */
    public StageManagerCacheMetrics(StageManager manager) {
        this(manager, List.of());
    }

    /**
     * @param manager the manager whose cache is measured
     * @param tags tags added to every meter (for example a name, when an application has several managers)
     */
    public StageManagerCacheMetrics(StageManager manager, Iterable<Tag> tags) {
        this.manager = Objects.requireNonNull(manager, "manager");
        List<Tag> copy = new java.util.ArrayList<>();
        tags.forEach(copy::add);
        this.tags = List.copyOf(copy);
    }

    /** @return whether the manager records cache statistics, that is whether {@link #bindTo} registers anything */
    public boolean statisticsRecorded() {
        return manager.cacheStatistics().isPresent();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!statisticsRecorded()) {
            return;
        }
        Gauge.builder(SIZE, manager, statistic(CacheStatistics::size)).tags(tags)
                .description("secrets held in the StageManager's read cache").register(registry);
        Gauge.builder(HIT_RATIO, manager, m -> m.cacheStatistics().map(CacheStatistics::hitRate).orElse(Double.NaN))
                .tags(tags).description("hits over all reads of the StageManager's read cache").register(registry);
        FunctionCounter.builder(GETS, manager, statistic(CacheStatistics::hits)).tags(tags).tag("result", "hit")
                .description("reads served from the read cache").register(registry);
        FunctionCounter.builder(GETS, manager, statistic(CacheStatistics::misses)).tags(tags).tag("result", "miss")
                .description("reads that went to the store").register(registry);
        FunctionCounter.builder(EVICTIONS, manager, statistic(CacheStatistics::evictions)).tags(tags)
                .description("read cache entries evicted for size or expiry").register(registry);
    }

    private static ToDoubleFunction<StageManager> statistic(java.util.function.ToLongFunction<CacheStatistics> f) {
        return m -> m.cacheStatistics().map(s -> (double) f.applyAsLong(s)).orElse(Double.NaN);
    }
}
