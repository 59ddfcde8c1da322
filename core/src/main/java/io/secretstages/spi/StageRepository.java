package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where secrets are kept: the SPI a store implements. A store holds no rule logic: {@code StageManager} reads a
 * {@link SecretSnapshot}, plans a {@link SecretChange} with the rules (R1-R24), and asks the store to apply it only
 * if the secret is still at the revision it read (optimistic concurrency). A lost race is an empty result, never an
 * exception: the manager reads again and retries (R21).
 *
 * <h2>Contract, for every method</h2>
 * <ul>
 *   <li><b>Atomic per secret.</b> A reader sees a secret entirely before or entirely after any change; a write is
 *       applied entirely or not at all. Several repositories over one storage (many JVMs over one database) must
 *       together behave as one.</li>
 *   <li><b>Thread-safe.</b> Any number of threads call any method at once.</li>
 *   <li><b>Arguments</b> are never null (except where a parameter says so) and were validated by the manager.
 *       Results are never null.</li>
 *   <li><b>Revisions</b> are positive longs, opaque to the manager: a store may count them
 *       ({@link SecretSnapshot#firstRevision} on create, +1 per change, as {@link SecretChange#result()} proposes)
 *       or use its engine's (a database row version, etcd's {@code mod_revision}). A secret's revision differs after
 *       every write that applied, and a guarded write applies only if the secret's revision equals the guard's. A
 *       revision never comes back for a name: a secret deleted and created again does not reach a revision its
 *       predecessor had, so a write planned on the predecessor's snapshot (a manager's cached one, say) loses its
 *       race instead of applying to the new secret (counting from 1 would let it).</li>
 *   <li><b>Failures</b> are {@link StoreException}s: {@link StoreException#ambiguous() ambiguous} when a write may
 *       have been committed, clean when it left no trace. Reads fail clean. Any other unchecked exception is
 *       treated as an ambiguous failure.</li>
 *   <li><b>Time.</b> Every method returns or throws within a bounded time (its client's timeouts): the manager's
 *       call deadline ({@code StageManager.Builder.callTimeout}) bounds its retries, not a call that blocks.</li>
 *   <li><b>Secrets stay secret.</b> No value or stored byte in a message, a log line or a {@code toString}.</li>
 * </ul>
 *
 * <p>The contract is specified executably by the {@code secret-stages-store-tck} module
 * ({@code StageRepositoryContract}): a store is conforming when it passes it.
 */
public interface StageRepository {

    /**
     * Reads one secret's metadata: versions without values, stages, revision, last version number, times,
     * description. One atomic read.
     *
     * @param key the secret
     * @return its snapshot, or empty if the secret does not exist
     * @throws StoreException if the store failed
     */
    Optional<SecretSnapshot> load(SecretKey key);

    /**
     * Reads one stage of a secret, the read behind {@code getStage}: a store may answer it with a smaller query
     * than {@link #load}. The default derives it from {@link #load} ({@link StageLookup#in} is the reference
     * semantics). One atomic read.
     *
     * @param key the secret
     * @param stageName the stage
     * @return whether the secret exists, its deletion time, and the stage if a version holds it
     * @throws StoreException if the store failed
     */
    default StageLookup loadStage(SecretKey key, String stageName) {
        Optional<SecretSnapshot> s = load(key);
        return s.isEmpty() ? StageLookup.SECRET_NOT_FOUND : StageLookup.in(s.get(), stageName);
    }

    /**
     * Reads the value of one version listed in {@code snapshot}. The snapshot says where the value belongs (key,
     * the secret's creation time, the version's record) without another read. A value belongs to its version for
     * good (only {@link #rewriteValues} rewraps it), so a value read after the snapshot goes with it, unless the
     * version was removed meanwhile, or the secret was deleted and created again under the same name: its
     * versions are another secret's, whose values must not be handed out with this snapshot.
     *
     * @param snapshot a snapshot this store returned (or a manager's copy of one)
     * @param versionNumber the number of a version the snapshot lists
     * @return its value, or empty if the secret or the version does not exist any more, or the secret is not the
     *         snapshot's (created again since)
     * @throws StoreException if the store failed
     */
    Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber);

    /**
     * Reads what a version read needs (the read behind {@code getVersion} and {@code getVersionByStage}): the
     * secret's record, the version numbered {@code versionNumber} if it is positive, else the version holding
     * {@code stageName} ({@code SYSCURRENT} for {@code latest}), the names of the stages it holds, and its value.
     * Only that version is read. One atomic read: record, version, stages and value are of one revision. The default
     * is {@link #load} then {@link #loadValue}, with {@link VersionRead#in}'s semantics; since a version's value never
     * changes (only {@link #rewriteValues} re-wraps it), the two reads disagree only if the version was removed in
     * between, which the answer says (a version without a value) so that the caller reads again. A store may answer
     * with one query.
     *
     * @param key the secret
     * @param stageName the stage whose holder to read, or null when {@code versionNumber > 0}
     * @param versionNumber the version to read, or 0 to read the holder of {@code stageName}
     * @return empty if the secret does not exist; else the read, without a version if there is no such version (or
     *         no version holds the stage)
     * @throws StoreException if the store failed
     */
    default Optional<VersionRead> loadVersion(SecretKey key, String stageName, long versionNumber) {
        Optional<SecretSnapshot> loaded = load(key);
        return loaded.map(s -> VersionRead.in(s, stageName, versionNumber, number -> loadValue(s, number)));
    }

    /**
     * Applies a change atomically if the secret is still at {@code change.base().revision()}, or, for a change
     * that {@link SecretChange#creates() creates} the secret, if the secret does not exist. Everything the change
     * describes is applied, or nothing is: afterwards {@link #load} returns {@code change.result()} at the
     * returned revision. Only what the change names is written: values of existing versions are never rewritten.
     *
     * @param change the change
     * @return the secret's new revision; empty if the secret was at another revision, absent, or (when creating)
     *         present: a lost race, after which nothing changed
     * @throws StoreException if the store failed ({@link StoreException#ambiguous()} if it may have committed)
     */
    OptionalLong apply(SecretChange change);

    /**
     * Deletes a secret with all its versions, values and stages, atomically, if it is still at
     * {@code base.revision()} (R8). {@code base} lists what there is to delete.
     *
     * @param base the snapshot the deletion was decided on
     * @return true if deleted; false if the secret was at another revision or absent (nothing changed then)
     * @throws StoreException if the store failed ({@link StoreException#ambiguous()} if it may have committed)
     */
    boolean delete(SecretSnapshot base);

    /**
     * Replaces the stored values of existing versions, atomically, if the secret is still at
     * {@code base.revision()}: for an encrypting store re-wrapping its data keys under a new key-encryption key.
     * Each new value must decode to the same plaintext as the one it replaces; the manager never calls this.
     * Versions, stages and every other field stay as they are; the revision changes (a cached snapshot of the old
     * revision is then stale, which costs its holder one retry and nothing else).
     *
     * @param base the snapshot the values were read with
     * @param values the new stored value by version number; each version listed in {@code base}; not empty
     * @return the secret's new revision; empty if the secret was at another revision or absent, or a version no
     *         longer exists (nothing changed then)
     * @throws StoreException if the store failed ({@link StoreException#ambiguous()} if it may have committed)
     * @throws IllegalArgumentException if {@code values} is empty or names a version {@code base} does not list
     */
    OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values);

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
     * Lists the ids of the projects that hold at least one secret (one pending deletion counts, whatever its
     * deletion time), in ascending {@link String#compareTo} order (for the ids R1 allows, the byte order), each once:
     * what a tool that visits every project (a re-wrap of every data key, E4) pages through. The manager never calls
     * it.
     *
     * <p><b>Atomicity.</b> Each page is read at once or in steps, not necessarily as one snapshot: a project that
     * holds a secret throughout the call is listed (if it falls in the page); a project that holds none throughout
     * the call is not; a project that gains its first secret or loses its last one during the call may or may not
     * be. Paging by passing the last id of a page as the next {@code afterProjectId} therefore lists every project
     * that holds a secret throughout the paging exactly once, in order, with no gap and no repeat.
     *
     * @param afterProjectId only ids strictly after this one ({@link String#compareTo}), or null to start at the
     *                       first; a project id by R1's syntax that need not exist (a position, not a reference):
     *                       the caller checks its syntax, as for every argument
     * @param limit the most ids to return, at least 1
     * @return up to {@code limit} ids, ascending; fewer than {@code limit} only if no further project was found
     * @throws IllegalArgumentException if {@code limit} is less than 1
     * @throws StoreException if the store failed
     */
    List<String> listProjects(String afterProjectId, int limit);

    /**
     * Finds secrets, in any project, whose deletion time is at or before {@code asOf}: those the manager's
     * {@code purgeExpired} deletes. In any order; a store may keep its own index for it (written in the same
     * atomic step as the change that set the deletion time).
     *
     * @param asOf the instant
     * @param limit the most records to return, at least 1
     * @return up to {@code limit} records
     * @throws StoreException if the store failed
     */
    List<SecretRecord> listDeletionsDue(Instant asOf, int limit);
}
