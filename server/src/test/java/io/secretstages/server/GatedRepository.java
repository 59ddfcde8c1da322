package io.secretstages.server;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store whose writes wait at a gate, while closed, until it opens: holds a request in flight for the shutdown
 * test. Test code.
 */
final class GatedRepository implements StageRepository {
    private final StageRepository delegate;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch entered = new CountDownLatch(1);

    GatedRepository(StageRepository delegate) {
        this.delegate = delegate;
    }

    void close() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    boolean awaitWriter(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        return delegate.load(key);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        return delegate.loadValue(key, versionNumber);
    }

    @Override
    public boolean apply(SecretChange change) {
        CountDownLatch g = gate;
        if (g.getCount() > 0) {
            entered.countDown();
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return delegate.apply(change);
    }

    @Override
    public boolean delete(SecretKey key, long expectedRevision) {
        return delegate.delete(key, expectedRevision);
    }

    @Override
    public boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime) {
        return delegate.setDeletionTime(key, expectedRevision, deletionTime);
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        return delegate.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return delegate.listDeletionsDue(asOf, limit);
    }
}
