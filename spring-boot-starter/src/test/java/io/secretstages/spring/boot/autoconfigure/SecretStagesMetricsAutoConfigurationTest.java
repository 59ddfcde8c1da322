package io.secretstages.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.secretstages.CallObserver;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.micrometer.MicrometerCallObserver;
import io.secretstages.micrometer.StageManagerCacheMetrics;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Micrometer binding: present with a registry, absent without one, and what Boot's registry then holds. */
class SecretStagesMetricsAutoConfigurationTest {
    private final ApplicationContextRunner withoutRegistry = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecretStagesAutoConfiguration.class,
                    SecretStagesMetricsAutoConfiguration.class));

    private final ApplicationContextRunner withRegistry = withoutRegistry.withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, ObservationAutoConfiguration.class));

    @Test
    void withAMeterRegistryEveryCallIsTimedByOperationAndOutcome() {
        withRegistry.run(ctx -> {
            assertThat(ctx).hasSingleBean(MicrometerCallObserver.class).hasSingleBean(ObservationRegistry.class);
            StageManager m = ctx.getBean(StageManager.class);
            m.createSecret("p", "db-password", SecretValue.ofString("hunter2"));
            m.getStage("p", "db-password", Stages.SYSCURRENT);
            m.getStage("p", "db-password", Stages.SYSCURRENT);
            assertEquals(ErrorCode.SECRET_NOT_FOUND,
                    assertThrows(StageException.class, () -> m.getStage("p", "other", Stages.SYSCURRENT)).code());
            MeterRegistry meters = ctx.getBean(MeterRegistry.class);
            assertEquals(1, timer(meters, "createSecret", "success").count());
            assertEquals(2, timer(meters, "getStage", "success").count());
            assertEquals(1, timer(meters, "getStage", "SECRET_NOT_FOUND").count());
            assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(meter.getId().toString())
                    .doesNotContain("db-password").doesNotContain("hunter2"));
        });
    }

    @Test
    void namesAreTaggedWhenTheUserAsks() {
        withRegistry.withPropertyValues("secret-stages.metrics.tag-names=true").run(ctx -> {
            ctx.getBean(StageManager.class).createSecret("p", "db-password", SecretValue.ofString("hunter2"));
            assertEquals(1, ctx.getBean(MeterRegistry.class).get(MicrometerCallObserver.CALLS)
                    .tags("operation", "createSecret", "secret", "db-password", "project", "p").timer().count());
        });
    }

    @Test
    void withoutAMeterRegistryNothingIsObserved() {
        withoutRegistry.run(ctx -> {
            assertThat(ctx).doesNotHaveBean(CallObserver.class).doesNotHaveBean(StageManagerCacheMetrics.class);
            ctx.getBean(StageManager.class).createSecret("p", "s", SecretValue.ofString("v"));
        });
    }

    @Test
    void withoutTheMicrometerModuleNothingIsObserved() {
        withRegistry.withClassLoader(new FilteredClassLoader(MicrometerCallObserver.class)).run(ctx ->
                assertThat(ctx).hasSingleBean(MeterRegistry.class).hasSingleBean(StageManager.class)
                        .doesNotHaveBean(CallObserver.class));
    }

    @Test
    void theBindingCanBeTurnedOff() {
        withRegistry.withPropertyValues("secret-stages.metrics.enabled=false").run(ctx ->
                assertThat(ctx).doesNotHaveBean(CallObserver.class).doesNotHaveBean(StageManagerCacheMetrics.class));
    }

    @Test
    void aUsersObserverWinsAndIsRegistered() {
        List<String> seen = new ArrayList<>();
        withRegistry.withBean(CallObserver.class, () -> (op, p, s) -> {
            seen.add(op);
            return CallObserver.Call.NONE;
        }).run(ctx -> {
            assertThat(ctx).doesNotHaveBean(MicrometerCallObserver.class);
            ctx.getBean(StageManager.class).listSecrets("p");
            assertEquals(List.of("listSecrets"), seen);
        });
    }

    @Test
    void cacheGaugesAppearWhenStatisticsAreRecorded() {
        withRegistry.withPropertyValues("secret-stages.cache.enabled=true", "secret-stages.cache.record-statistics=true")
                .run(ctx -> {
                    StageManager m = ctx.getBean(StageManager.class);
                    m.createSecret("p", "s", SecretValue.ofString("v"));
                    m.getStage("p", "s", Stages.SYSCURRENT);
                    MeterRegistry meters = ctx.getBean(MeterRegistry.class);
                    assertEquals(1.0, meters.get(StageManagerCacheMetrics.SIZE).gauge().value());
                    assertEquals(m.cacheStatistics().orElseThrow().hitRate(),
                            meters.get(StageManagerCacheMetrics.HIT_RATIO).gauge().value(), 1e-9);
                });
        withRegistry.withPropertyValues("secret-stages.cache.enabled=true").run(ctx ->
                assertThat(ctx.getBean(MeterRegistry.class).find(StageManagerCacheMetrics.SIZE).gauge()).isNull());
    }

    private static Timer timer(MeterRegistry meters, String operation, String outcome) {
        return meters.get(MicrometerCallObserver.CALLS).tags("operation", operation, "outcome", outcome).timer();
    }
}
