package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.spi.StageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import io.secretstages.tck.ForwardingStageRepository;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The health indicator reads the store, with a bounded time. */
class SecretStagesHealthAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecretStagesAutoConfiguration.class,
                    SecretStagesHealthAutoConfiguration.class));

    @Test
    void upWhenTheStoreAnswers() {
        runner.run(ctx -> {
            Health h = ctx.getBean("secretStagesHealthIndicator", HealthIndicator.class).health();
            assertEquals(Status.UP, h.getStatus());
            assertEquals("health", h.getDetails().get("probeProject"));
        });
    }

    @Test
    void downWithTheErrorCodeWhenTheStoreFails() {
        runner.withBean(StageRepository.class, () -> new Listing(() -> {
            throw new IllegalStateException("connection refused to db.internal:5432 as admin/s3cret");
        })).run(ctx -> {
            Health h = ctx.getBean(StageManagerHealthIndicator.class).health();
            assertEquals(Status.DOWN, h.getStatus());
            assertEquals("STORE_FAILURE", h.getDetails().get("error"));
            assertThat(h.toString()).doesNotContain("s3cret");
        });
    }

    @Test
    void downWithinTheTimeoutWhenTheStoreHangsWithOneProbeAtATime() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger listings = new AtomicInteger();
        runner.withPropertyValues("secret-stages.health.timeout=200ms").withBean(StageRepository.class,
                () -> new Listing(() -> {
                    listings.incrementAndGet();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })).run(ctx -> {
                    StageManagerHealthIndicator indicator = ctx.getBean(StageManagerHealthIndicator.class);
                    long start = System.nanoTime();
                    Health h = indicator.health();
                    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals(Status.DOWN, h.getStatus());
                    assertThat((String) h.getDetails().get("error")).contains("did not answer within PT0.2S");
                    assertThat(tookMs).isLessThan(10_000);
                    assertEquals(Status.DOWN, indicator.health().getStatus(), "still hanging: the same probe");
                    assertEquals(1, listings.get(), "no second probe queued behind the hanging one");
                    release.countDown();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    Health after = indicator.health();
                    while (after.getStatus() != Status.UP && System.nanoTime() < deadline) {
                        after = indicator.health(); // the hung probe ends, the next one answers
                    }
                    assertEquals(Status.UP, after.getStatus());
                });
    }

    @Test
    void absentWhenDisabledOrWithoutBootsHealthSupport() {
        runner.withPropertyValues("management.health.secret-stages.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(StageManagerHealthIndicator.class));
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(StageManagerHealthIndicator.class));
    }

    /** The in-memory store, whose listSecrets first runs {@code onList}. */
    private static final class Listing extends ForwardingStageRepository {
        private final Runnable onList;

        Listing(Runnable onList) {
            super(new InMemoryStageRepository());
            this.onList = onList;
        }

        @Override
        protected void beforeRead(String method) {
            if (method.equals("listSecrets")) {
                onList.run();
            }
        }
    }
}
