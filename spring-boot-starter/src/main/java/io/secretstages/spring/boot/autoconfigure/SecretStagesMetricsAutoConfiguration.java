package io.secretstages.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.secretstages.CallObserver;
import io.secretstages.StageManager;
import io.secretstages.micrometer.MicrometerCallObserver;
import io.secretstages.micrometer.StageManagerCacheMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the {@link StageManager} to Micrometer when a {@link MeterRegistry} bean exists and
 * {@code secret-stages-micrometer} is on the class path: a {@link MicrometerCallObserver} (through the application's
 * {@link ObservationRegistry} if it has one, so calls become timers {@code secretstages.calls} and, with tracing,
 * spans) and the read cache's gauges ({@link StageManagerCacheMetrics}, when
 * {@code secret-stages.cache.record-statistics} is on). {@code secret-stages.metrics.enabled=false} turns it off.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "io.secretstages.spring.boot.autoconfigure.SecretStagesAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MicrometerCallObserver.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "secret-stages.metrics.enabled", matchIfMissing = true)
public class SecretStagesMetricsAutoConfiguration {

    /** Created by Spring. */
    public SecretStagesMetricsAutoConfiguration() {
    }

    /**
     * @param meters the meter registry
     * @param observations the observation registry, if any
     * @param properties the {@code secret-stages.*} properties
     * @return the observer the auto-configured {@link StageManager} registers
     */
    @Bean
    @ConditionalOnMissingBean(CallObserver.class)
    public MicrometerCallObserver secretStagesCallObserver(MeterRegistry meters,
                                                           ObjectProvider<ObservationRegistry> observations,
                                                           SecretStagesProperties properties) {
        MicrometerCallObserver.Builder b = MicrometerCallObserver.builder(meters)
                .tagNames(properties.getMetrics().isTagNames());
        observations.ifUnique(b::observationRegistry);
        return b.build();
    }

    /**
     * @param manager the manager whose cache is measured (bound only if it records statistics)
     * @return the cache meters' binder
     */
    @Bean
    @ConditionalOnBean(StageManager.class)
    @ConditionalOnMissingBean
    public StageManagerCacheMetrics secretStagesCacheMetrics(StageManager manager) {
        return new StageManagerCacheMetrics(manager);
    }
}
