package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.VersionRead;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A store in front of another that passes every metadata call through and hands each stored value, on its way out,
 * to {@link #readValue} (open it, or check it); the value writes ({@code apply}, {@code rewriteValues}) are each
 * subclass's own. Internal: the common part of {@link EncryptingRepository} and {@link SealedValueGuard}.
 */
abstract class ValueFilteringStore implements StageRepository {
    /** The store behind this one. */
    final StageRepository store;

    ValueFilteringStore(StageRepository store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * @param key the secret
     * @param versionNumber the version the value belongs to
     * @param createTime the secret's creation time (from the snapshot the value was read with)
     * @param stored the value as the store holds it
     * @return the value to hand out
     */
    abstract SecretValue readValue(SecretKey key, long versionNumber, Instant createTime, SecretValue stored);

    @Override
    public final Optional<SecretSnapshot> load(SecretKey key) {
        return store.load(key);
    }

    @Override
    public final StageLookup loadStage(SecretKey key, String stageName) {
        return store.loadStage(key, stageName);
    }

    @Override
    public final Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        return store.loadValue(snapshot, versionNumber)
                .map(v -> readValue(snapshot.key(), versionNumber, snapshot.createTime(), v));
    }

    /** The store's own version read (one query on JDBC), its value handed to {@link #readValue}. */
    @Override
    public final Optional<VersionRead> loadVersion(SecretKey key, String stageName, long versionNumber) {
        return store.loadVersion(key, stageName, versionNumber).map(r -> r.value() == null ? r
                : new VersionRead(r.secret(), r.version(), r.stages(),
                        readValue(key, r.version().number(), r.secret().createTime(), r.value())));
    }

    @Override
    public final boolean delete(SecretSnapshot base) {
        return store.delete(base);
    }

    @Override
    public final List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        return store.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public final List<String> listProjects(String afterProjectId, int limit) {
        return store.listProjects(afterProjectId, limit);
    }

    @Override
    public final List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return store.listDeletionsDue(asOf, limit);
    }
}
