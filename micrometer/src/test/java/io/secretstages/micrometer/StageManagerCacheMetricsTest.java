package io.secretstages.micrometer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.secretstages.CacheSettings;
import io.secretstages.CacheStatistics;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read cache's gauges and counters follow {@code StageManager.cacheStatistics()}. */
class StageManagerCacheMetricsTest {

    @Test
    void gaugesFollowTheCacheStatistics() {
        StageManager stages = StageManager.builder().repository(new InMemoryStageRepository())
                .cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(1)).recordStatistics()).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StageManagerCacheMetrics metrics = new StageManagerCacheMetrics(stages);
        assertTrue(metrics.statisticsRecorded());
        metrics.bindTo(meters);

        stages.createSecret("p", "a", SecretValue.ofString("x"));
        stages.createSecret("p", "b", SecretValue.ofString("y"));
        for (int i = 0; i < 5; i++) {
            stages.getStage("p", "a", Stages.SYSCURRENT);
        }
        stages.getStage("p", "b", Stages.SYSCURRENT);
        CacheStatistics s = stages.cacheStatistics().orElseThrow();
        assertTrue(s.hits() > 0);

        assertEquals(s.size(), meters.get(StageManagerCacheMetrics.SIZE).gauge().value());
        assertEquals(2.0, meters.get(StageManagerCacheMetrics.SIZE).gauge().value());
        assertEquals(s.hitRate(), meters.get(StageManagerCacheMetrics.HIT_RATIO).gauge().value(), 1e-9);
        assertEquals(s.hits(), meters.get(StageManagerCacheMetrics.GETS).tag("result", "hit").functionCounter().count());
        assertEquals(s.misses(), meters.get(StageManagerCacheMetrics.GETS).tag("result", "miss").functionCounter()
                .count());
        assertEquals(s.evictions(), meters.get(StageManagerCacheMetrics.EVICTIONS).functionCounter().count());
    }

    @Test
    void nothingIsBoundWithoutStatistics() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StageManager noCache = StageManager.builder().repository(new InMemoryStageRepository()).build();
        StageManager noStatistics = StageManager.builder().repository(new InMemoryStageRepository())
                .cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(1))).build();
        for (StageManager m : new StageManager[] {noCache, noStatistics}) {
            StageManagerCacheMetrics metrics = new StageManagerCacheMetrics(m);
            assertFalse(metrics.statisticsRecorded());
            metrics.bindTo(meters);
        }
        assertTrue(meters.getMeters().isEmpty());
    }
}
