package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.SecretReader;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reports whether the {@link StageManager}'s store answers: it lists at most one secret of a probe project (which
 * need not exist) and is DOWN if the store fails or does not answer within the timeout. The details name the
 * failure's error code, never a secret's name or value. Concurrent checks share one probe, and a store that hangs
 * holds one probe at a time, never a growing queue of them.
 */
public class StageManagerHealthIndicator implements HealthIndicator, DisposableBean {
    private final SecretReader manager;
    private final String probeProject;
    private final Duration timeout;
    private final AtomicReference<CompletableFuture<Void>> inFlight = new AtomicReference<>();
    private final ExecutorService probes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "secret-stages-health");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param manager the manager (or any {@link SecretReader}) whose store is probed; it is only read
     * @param probeProject the project listed
     * @param timeout how long to wait for the store
     */
    public StageManagerHealthIndicator(SecretReader manager, String probeProject, Duration timeout) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.probeProject = Objects.requireNonNull(probeProject, "probeProject");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Health health() {
        try {
            probe().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Health.up().withDetail("probeProject", probeProject).build();
        } catch (TimeoutException e) {
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

    /** The probe running now, or a new one. */
    private CompletableFuture<Void> probe() {
        while (true) {
            CompletableFuture<Void> running = inFlight.get();
            if (running != null) {
                return running;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                probes.execute(() -> {
                    try {
                        manager.listSecrets(probeProject, null, 1);
                        mine.complete(null);
                    } catch (RuntimeException e) {
                        mine.completeExceptionally(e);
                    } finally {
                        inFlight.compareAndSet(mine, null);
                    }
                });
                return mine;
            }
        }
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }
}
