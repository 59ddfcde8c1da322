package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.StageException;
import io.secretstages.StageManager;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reports whether the {@link StageManager}'s store answers: it lists at most one secret of a probe project (which
 * need not exist) and is DOWN if the store fails or does not answer within the timeout. The details name the
 * failure's error code, never a secret's name or value.
 */
public class StageManagerHealthIndicator implements HealthIndicator, DisposableBean {
    private final StageManager manager;
    private final String probeProject;
    private final Duration timeout;
    private final ExecutorService probes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "secret-stages-health");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param manager the manager whose store is probed
     * @param probeProject the project listed
     * @param timeout how long to wait for the store
     */
    public StageManagerHealthIndicator(StageManager manager, String probeProject, Duration timeout) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.probeProject = Objects.requireNonNull(probeProject, "probeProject");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Health health() {
        Future<?> probe = probes.submit(() -> manager.listSecrets(probeProject, null, 1));
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Health.up().withDetail("probeProject", probeProject).build();
        } catch (TimeoutException e) {
            probe.cancel(true);
            return Health.down().withDetail("error", "the store did not answer within " + timeout).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().withDetail("error", "interrupted").build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String code = cause instanceof StageException se ? se.code().name() : cause.getClass().getSimpleName();
            return Health.down().withDetail("error", code).build();
        }
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }
}
