package io.secretstages.tck;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.VersionRead;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link StageRepository} that forwards every call to another one, for test decorators: count calls, fail them,
 * or let another writer commit just before an {@code apply} (to make it lose its revision check). Override
 * {@link #beforeRead} or {@link #beforeWrite}, which run before the call is forwarded, or a method itself.
 *
 * <p>{@code loadStage} and {@code loadVersion} are forwarded too, so a decorated store keeps its own queries.
 */
public class ForwardingStageRepository implements StageRepository {
    private final StageRepository delegate;

    /** @param delegate the store every call goes to */
    public ForwardingStageRepository(StageRepository delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the store every call goes to */
    protected final StageRepository delegate() {
        return delegate;
    }

    /**
     * Runs before a read is forwarded; throw to fail it. Does nothing by default.
     *
     * @param method the SPI method: {@code load}, {@code loadStage}, {@code loadValue}, {@code loadVersion},
     *               {@code listSecrets}, {@code listProjects} or {@code listDeletionsDue}
     */
    protected void beforeRead(String method) {
    }

    /**
     * Runs before a write is forwarded; throw to fail it. Does nothing by default.
     *
     * @param method the SPI method: {@code apply}, {@code delete} or {@code rewriteValues}
     */
    protected void beforeWrite(String method) {
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        beforeRead("load");
        return delegate.load(key);
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        beforeRead("loadStage");
        return delegate.loadStage(key, stageName);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        beforeRead("loadValue");
        return delegate.loadValue(snapshot, versionNumber);
    }

    @Override
    public Optional<VersionRead> loadVersion(SecretKey key, String stageName, long versionNumber) {
        beforeRead("loadVersion");
        return delegate.loadVersion(key, stageName, versionNumber);
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        beforeWrite("apply");
        return delegate.apply(change);
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        beforeWrite("delete");
        return delegate.delete(base);
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        beforeWrite("rewriteValues");
        return delegate.rewriteValues(base, values);
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        beforeRead("listSecrets");
        return delegate.listSecrets(projectId, afterName, activeAt, limit);
    }

    @Override
    public List<String> listProjects(String afterProjectId, int limit) {
        beforeRead("listProjects");
        return delegate.listProjects(afterProjectId, limit);
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        beforeRead("listDeletionsDue");
        return delegate.listDeletionsDue(asOf, limit);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
