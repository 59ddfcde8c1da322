package io.secretstages.micrometer;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A store for tests: delegates to another, runs {@link #beforeNextApply} once before the next apply (another writer
 * committing there makes that apply lose its revision check), and throws on every call while {@link #failing}.
 */
final class ScriptedRepository implements StageRepository {
    private final StageRepository delegate;
    volatile Runnable beforeNextApply;
    volatile boolean failing;

    ScriptedRepository(StageRepository delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (failing) {
            throw new IllegalStateException("connection refused");
        }
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        check();
        return delegate.load(key);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        check();
        return delegate.loadValue(snapshot, versionNumber);
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        check();
        Runnable r = beforeNextApply;
        beforeNextApply = null;
        if (r != null) {
            r.run();
        }
        return delegate.apply(change);
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        check();
        return delegate.delete(base);
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, java.util.Map<Long, SecretValue> values) {
        check();
        return delegate.rewriteValues(base, values);
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        check();
        return delegate.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        check();
        return delegate.listDeletionsDue(asOf, limit);
    }
}
