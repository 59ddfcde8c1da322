package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where secrets are kept. A store holds no rule logic: {@code StageManager} reads a {@link SecretSnapshot}, computes
 * a {@link SecretChange} with the rules (SPEC.md R1-R22), and asks the store to apply it only if the secret is still
 * at the revision it read (optimistic concurrency). A store that reports a lost race by returning {@code false}
 * makes the manager read again and retry (R21); it never reports a lost race as an exception.
 *
 * <p>Implementations must be thread-safe, and every method is atomic per secret: a reader sees a secret entirely
 * before or entirely after any change. Several repositories over the same storage (for example many JVMs over one
 * database) must together behave as one. Arguments are never null and have been validated by the manager.
 *
 * <p>Failures are reported with {@link StoreException} (or any other unchecked exception), and a write that throws
 * must leave no trace. A store whose outcome is ambiguous (the commit may or may not have happened) throws as well;
 * the manager reports {@code STORE_FAILURE} and the caller may read to learn the outcome.
 *
 * <p>The contract is specified executably by the {@code secret-stages-store-tck} module: a store is conforming when
 * it passes it.
 */
public interface StageRepository {

    /**
     * Reads the metadata of one secret: versions without values, stages, revision, last version number.
     * Atomic: the snapshot is the state of the secret at one instant.
     *
     * @param key the secret
     * @return its snapshot, or empty if the secret does not exist
     * @throws StoreException if the store failed
     */
    Optional<SecretSnapshot> load(SecretKey key);

    /**
     * Reads one stage of a secret: the read behind {@code getStage}, worth a dedicated query in a database. The
     * default derives it from {@link #load(SecretKey)}. Atomic.
     *
     * @param key the secret
     * @param stageName the stage
     * @return whether the secret exists and, if a version holds it, the stage; never null
     * @throws StoreException if the store failed
     */
    default StageLookup loadStage(SecretKey key, String stageName) {
        Optional<SecretSnapshot> s = load(key);
        return s.isEmpty() ? StageLookup.SECRET_NOT_FOUND
                : StageLookup.of(s.get().stages().get(stageName), s.get().deletionTime());
    }

    /**
     * {@link #loadStage(SecretKey, String)} without a key object, for stores whose lookup needs none (the in-memory
     * store answers without allocating). The default builds the key.
     *
     * @param projectId the project
     * @param secretName the secret
     * @param stageName the stage
     * @return whether the secret exists and, if a version holds it, the stage; never null
     * @throws StoreException if the store failed
     */
    default StageLookup loadStage(String projectId, String secretName, String stageName) {
        return loadStage(new SecretKey(projectId, secretName), stageName);
    }

    /**
     * Whether reading a snapshot costs about as much as a cache lookup (true for a store in this JVM's heap). The
     * manager then plans writes from the store directly instead of keeping the snapshots it wrote (see
     * {@code StageManager.Builder.writeCacheSize}). The default is false.
     *
     * @return whether reads are as cheap as a cache
     */
    default boolean readsAreCheap() {
        return false;
    }

    /**
     * Reads the value of one version. Values never change once written, so any snapshot that lists the version
     * and this value belong together.
     *
     * @param key the secret
     * @param versionNumber the version's number
     * @return its value, or empty if the secret or the version does not exist (any more)
     * @throws StoreException if the store failed
     */
    Optional<SecretValue> loadValue(SecretKey key, long versionNumber);

    /**
     * Applies a change atomically if the secret is still at {@link SecretChange#expectedRevision()}, or, for a
     * change that {@link SecretChange#creates() creates} the secret, if the secret does not exist. The whole change
     * is applied (and the revision incremented) or nothing is. Only what the change names is written: values of
     * existing versions are never rewritten, and stages it does not name are left as they are.
     *
     * @param change the change
     * @return {@code true} if applied; {@code false} if the secret was at another revision, absent, or (when
     *         creating) present; nothing changed then
     * @throws StoreException if the store failed; nothing changed then
     */
    boolean apply(SecretChange change);

    /**
     * Deletes a secret with all its versions, values and stages, atomically, if it is still at
     * {@code expectedRevision} (R8).
     *
     * @param key the secret
     * @param expectedRevision the revision read before
     * @return {@code true} if deleted; {@code false} if the secret was at another revision or absent
     * @throws StoreException if the store failed; nothing changed then
     */
    boolean delete(SecretKey key, long expectedRevision);

    /**
     * Sets or clears a secret's scheduled deletion time (R8) atomically, if it is still at
     * {@code expectedRevision}, and increments its revision; versions and stages stay as they are
     * ({@link SecretSnapshot#withDeletionTime} is the reference semantics). The manager decides when; the store only
     * records it.
     *
     * @param key the secret
     * @param expectedRevision the revision read before
     * @param deletionTime the new deletion time, or null to clear it (a restore)
     * @return {@code true} if applied; {@code false} if the secret was at another revision or absent
     * @throws StoreException if the store failed; nothing changed then
     */
    boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime);

    /**
     * Lists a project's secrets in ascending name order ({@link String#compareTo}, which for the names R2 allows is
     * the byte order), leaving out those whose deletion time is at or before {@code activeAt}. Each record is read
     * atomically; the list as a whole need not be one snapshot.
     *
     * @param projectId the project
     * @param afterName only names strictly after this one, or null to start at the first
     * @param activeAt secrets with a deletion time at or before this instant are left out
     * @param limit the most records to return, at least 1
     * @return up to {@code limit} records
     * @throws StoreException if the store failed
     */
    List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit);

    /**
     * Finds secrets, in any project, whose deletion time is at or before {@code asOf}: those the manager's
     * {@code purgeExpired} deletes. In any order.
     *
     * @param asOf the instant
     * @param limit the most records to return, at least 1
     * @return up to {@code limit} records
     * @throws StoreException if the store failed
     */
    List<SecretRecord> listDeletionsDue(Instant asOf, int limit);
}
