package io.secretstages.tck;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decorator that counts calls to a store and can make them fail, to prove that bad input never reaches the store
 * and that store failures surface as {@code STORE_FAILURE} with nothing applied.
 */
public final class RecordingRepository implements StageRepository {
    private final StageRepository delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean failReads;
    private volatile boolean failWrites;

    /** @param delegate the store to decorate */
    public RecordingRepository(StageRepository delegate) {
        this.delegate = delegate;
    }

    /** @return how many calls reached the store */
    public int calls() {
        return calls.get();
    }

    /** @param fail whether reads throw a {@link StoreException} instead of reaching the store */
    public void failReads(boolean fail) {
        this.failReads = fail;
    }

    /** @param fail whether writes throw a {@link StoreException} instead of reaching the store */
    public void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    /** Counts a read and fails it if asked to. */
    private void beforeRead() {
        calls.incrementAndGet();
        if (failReads) {
            throw new StoreException("injected read failure");
        }
    }

    /** Counts a write and fails it if asked to. */
    private void beforeWrite() {
        calls.incrementAndGet();
        if (failWrites) {
            throw new StoreException("injected write failure");
        }
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        beforeRead();
        return delegate.load(key);
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        beforeRead();
        return delegate.loadStage(key, stageName);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        beforeRead();
        return delegate.loadValue(snapshot, versionNumber);
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        beforeWrite();
        return delegate.apply(change);
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        beforeWrite();
        return delegate.delete(base);
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        beforeWrite();
        return delegate.rewriteValues(base, values);
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        beforeRead();
        return delegate.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        beforeRead();
        return delegate.listDeletionsDue(asOf, limit);
    }
}
