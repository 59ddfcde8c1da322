package io.secretstages.micrometer;

import io.secretstages.spi.StageRepository;
import io.secretstages.tck.ForwardingStageRepository;

/**
 * A store for tests: delegates to another, runs {@link #beforeNextApply} once before the next apply (another writer
 * committing there makes that apply lose its revision check), and throws on every call while {@link #failing}.
 */
final class ScriptedRepository extends ForwardingStageRepository {
    volatile Runnable beforeNextApply;
    volatile boolean failing;

    ScriptedRepository(StageRepository delegate) {
        super(delegate);
    }

    @Override
    protected void beforeRead(String method) {
        check();
    }

    @Override
    protected void beforeWrite(String method) {
        check();
        if (method.equals("apply")) {
            Runnable r = beforeNextApply;
            beforeNextApply = null;
            if (r != null) {
                r.run();
            }
        }
    }

    private void check() {
        if (failing) {
            throw new IllegalStateException("connection refused");
        }
    }
}
