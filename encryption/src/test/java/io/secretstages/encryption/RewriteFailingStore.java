package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.tck.ForwardingStageRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store (any, below) whose {@code rewriteValues} can be made to fail once at a chosen call, as a crash in the
 * middle of a re-wrap, and that lists every stored value of a project. Test code.
 */
final class RewriteFailingStore extends ForwardingStageRepository {
    private final AtomicInteger rewrites = new AtomicInteger();
    private volatile int failRewriteNumber = -1;

    RewriteFailingStore(StageRepository store) {
        super(store);
    }

    /** @param n the rewrite call (1-based, counted from now) that fails with a {@link StoreException}; -1: none */
    void failRewrite(int n) {
        rewrites.set(0);
        failRewriteNumber = n;
    }

    /** @return the rewrite calls made since {@link #failRewrite} or creation */
    int rewrites() {
        return rewrites.get();
    }

    /** @return every value stored in the project's secrets, as the store below holds it */
    List<SecretValue> storedValues(String projectId) {
        List<SecretValue> all = new ArrayList<>();
        for (SecretRecord r : delegate().listSecrets(projectId, null, Instant.EPOCH, 1000)) {
            SecretSnapshot s = delegate().load(r.key()).orElseThrow();
            s.versions().forEach(v -> all.add(delegate().loadValue(s, v.number()).orElseThrow()));
        }
        return all;
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        if (rewrites.incrementAndGet() == failRewriteNumber) {
            throw new StoreException("injected failure of a rewrite");
        }
        return super.rewriteValues(base, values);
    }
}
