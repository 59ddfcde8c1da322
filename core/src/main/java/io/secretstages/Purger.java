package io.secretstages;

import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Removes secrets (R8): those past their deletion time, one at a time when a call meets one and in bulk for
 * {@code purgeExpired}, and the one a {@code deleteSecret} names. Every removal is a delete guarded by the revision the expiry was read at, so a secret
 * restored meanwhile by another node is never removed.
 */
final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);
    private static final int BATCH = 100;

    private final StoreCalls store;
    private final Snapshots snapshots;
    private final ChangeNotifier notifier;
    private final Clock clock;

    Purger(StoreCalls store, Snapshots snapshots, ChangeNotifier notifier, Clock clock) {
        this.store = store;
        this.snapshots = snapshots;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * @param s a snapshot, read from the store, of a secret past its deletion time
     * @return whether this call removed it (false: it changed or went since {@code s} was read)
     */
    boolean purge(SecretSnapshot s) {
        return remove(s, StageEvent.Operation.PURGE_SECRET);
    }

    /**
     * Deletes a secret if it is still at {@code s}'s revision, for a purge or a {@code deleteSecret} (R8), and tells
     * of it.
     *
     * @return whether this call removed it
     */
    boolean remove(SecretSnapshot s, StageEvent.Operation operation) {
        boolean deleted;
        try {
            deleted = store.delete(s, operation == StageEvent.Operation.PURGE_SECRET ? "purge secret" : "delete secret");
        } finally {
            snapshots.forget(s.key());
        }
        if (deleted) {
            notifier.deleted(operation, s);
        }
        return deleted;
    }

    /** {@link #purge} for a read that met an expired secret: the reader gets SECRET_NOT_FOUND either way. */
    void purgeQuietly(SecretSnapshot s) {
        try {
            purge(s);
        } catch (StageException e) {
            LOG.warn("secret {}/{}: past its deletion time, could not be purged now; purgeExpired() will",
                    s.key().projectId(), s.key().secretName(), e);
        }
    }

    /** @return how many secrets this call removed */
    int purgeExpired() {
        int total = 0;
        while (true) {
            Instant now = Instant.ofEpochMilli(clock.millis());
            List<SecretRecord> due = store.listDeletionsDue(now, BATCH);
            int purged = 0;
            for (SecretRecord r : due) {
                Optional<SecretSnapshot> s = store.load(r.key());
                if (s.isPresent() && StageRules.expired(s.get().deletionTime(), now) && purge(s.get())) {
                    purged++;
                }
            }
            total += purged;
            if (purged == 0 || due.size() < BATCH) {
                return total;
            }
        }
    }
}
