package io.secretstages;

import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.spi.VersionRead;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The manager's only door to the store: every call goes through here, and every failure is turned into a
 * {@code STORE_FAILURE} {@link StageException} here, once. A write failure is ambiguous when the store says so
 * ({@link StoreException#ambiguous()}) or when it threw something that is not a {@link StoreException} (nothing
 * promises that such a failure left no trace); a read failure never is.
 */
final class StoreCalls {
    private final StageRepository store;

    StoreCalls(StageRepository store) {
        this.store = store;
    }

    Optional<SecretSnapshot> load(SecretKey key) {
        try {
            return store.load(key);
        } catch (RuntimeException e) {
            throw failure("read secret", key, e, false);
        }
    }

    StageLookup loadStage(SecretKey key, String stageName) {
        try {
            return store.loadStage(key, stageName);
        } catch (RuntimeException e) {
            throw failure("read a stage", key, e, false);
        }
    }

    Optional<SecretValue> loadValue(SecretSnapshot s, long versionNumber) {
        try {
            return store.loadValue(s, versionNumber);
        } catch (RuntimeException e) {
            throw failure("read a value", s.key(), e, false);
        }
    }

    Optional<VersionRead> loadVersion(SecretKey key, String stageName, long versionNumber) {
        try {
            return store.loadVersion(key, stageName, versionNumber);
        } catch (RuntimeException e) {
            throw failure("read a version", key, e, false);
        }
    }

    OptionalLong apply(SecretChange change, String what) {
        try {
            return store.apply(change);
        } catch (RuntimeException e) {
            throw failure(what, change.key(), e, true);
        }
    }

    boolean delete(SecretSnapshot base, String what) {
        try {
            return store.delete(base);
        } catch (RuntimeException e) {
            throw failure(what, base.key(), e, true);
        }
    }

    List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        try {
            return store.listSecrets(projectId, afterName, activeAt, limit);
        } catch (RuntimeException e) {
            throw failure("list secrets", new SecretKey(projectId, "*"), e, false);
        }
    }

    List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        try {
            return store.listDeletionsDue(asOf, limit);
        } catch (RuntimeException e) {
            throw failure("find secrets due for purging", new SecretKey("*", "*"), e, false);
        }
    }

    /**
     * @param write whether the failed call was a write (which may have committed unless the store says it did not)
     */
    private static StageException failure(String what, SecretKey key, RuntimeException e, boolean write) {
        if (e instanceof StageException se) {
            return se; // a store that decorates a manager's own calls (tests): passed on as it is
        }
        boolean ambiguous = write && (!(e instanceof StoreException se) || se.ambiguous());
        return new StageException(ErrorCode.STORE_FAILURE, "the store failed to " + what + " for secret "
                + key.secretName() + " in project " + key.projectId()
                + (ambiguous ? "; outcome unknown: the change may have been applied" : ""), e, ambiguous);
    }

    /** @param deadline when the call's deadline passed (R21) */
    static StageException deadlinePassed(String what, SecretKey key, java.time.Duration deadline) {
        return new StageException(ErrorCode.STORE_FAILURE, "the call's deadline (" + deadline + ") passed before "
                + "the store could " + what + " for secret " + key.secretName() + " in project " + key.projectId()
                + "; nothing was applied");
    }
}
