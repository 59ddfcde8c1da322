package io.secretstages.tck;

import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decorator that counts calls to a store and can make them fail, to prove that bad input never reaches the store
 * and that store failures surface as {@code STORE_FAILURE} with nothing applied.
 */
public final class RecordingRepository extends ForwardingStageRepository {
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean failReads;
    private volatile boolean failWrites;

    /** @param delegate the store to decorate */
    public RecordingRepository(StageRepository delegate) {
        super(delegate);
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

    @Override
    protected void beforeRead(String method) {
        calls.incrementAndGet();
        if (failReads) {
            throw new StoreException("injected read failure");
        }
    }

    @Override
    protected void beforeWrite(String method) {
        calls.incrementAndGet();
        if (failWrites) {
            throw new StoreException("injected write failure");
        }
    }
}
