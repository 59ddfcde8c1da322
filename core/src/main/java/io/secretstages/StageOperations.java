package io.secretstages;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Everything that can be done to secrets, their versions and their stages, with the rules R1-R24 of docs/rules.md:
 * the reads of {@link SecretReader} and the changes. {@link StageManager} implements it over any store; the
 * documentation of its methods lives here (as {@code JdbcOperations} documents {@code JdbcTemplate}).
 *
 * <p><b>Atomicity (R21).</b> Every method is atomic per secret. A change is decided on one state of the secret and
 * applied only if the secret is still in that state; a change that lost a race with another writer (another thread,
 * or another manager over the same database) is planned again, so unguarded changes never fail because of a race,
 * and a guarded update (R20) re-checks its expectation on every attempt.
 *
 * <p><b>Refusals (R5, R22).</b> A {@link StageException} whose {@link ErrorCode} follows R22's precedence; malformed
 * arguments, null included, are INVALID_PARAMETER before any store is touched. When a method throws nothing changed,
 * unless the exception is a STORE_FAILURE that is {@link StageException#ambiguous()}: then read to learn the outcome.
 *
 * <p><b>Deletion (R8).</b> {@link #deleteSecret} deletes at once; {@link #scheduleDeletion} starts a
 * {@value #MIN_RECOVERY_WINDOW_DAYS}-{@value #MAX_RECOVERY_WINDOW_DAYS} day recovery window in which changes and value
 * reads are refused with SECRET_PENDING_DELETION (stages and metadata stay readable) and {@link #restoreSecret}
 * cancels; past its deletion time a secret is gone for every call, removed by the first call that meets it or by
 * {@link #purgeExpired()}.
 */
public interface StageOperations extends SecretReader {
    /** R8: the shortest recovery window of a scheduled deletion, in days. */
    int MIN_RECOVERY_WINDOW_DAYS = 7;
    /** R8: the longest recovery window of a scheduled deletion, in days, also the default. */
    int MAX_RECOVERY_WINDOW_DAYS = 30;

    /**
     * Creates a secret whose first version {@code v1} holds SYSCURRENT (R6); a name pending deletion is refused (R8),
     * one past its deletion time is free again (a new {@code v1}, R4).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @return the first version
     * @throws StageException INVALID_PARAMETER; SECRET_ALREADY_EXISTS (R6); SECRET_PENDING_DELETION; STORE_FAILURE
     */
    SecretVersion createSecret(String projectId, String secretName, SecretValue value);

    /**
     * {@link #createSecret(String, String, SecretValue)} with a description (R23).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param description 0 to 2048 UTF-8 bytes, {@code ""} for none (R23)
     * @return the first version
     * @throws StageException INVALID_PARAMETER; SECRET_ALREADY_EXISTS (R6); SECRET_PENDING_DELETION; STORE_FAILURE
     */
    SecretVersion createSecret(String projectId, String secretName, SecretValue value, String description);

    /**
     * Changes a secret's description (R23), metadata only; the same description changes nothing.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param description 0 to 2048 UTF-8 bytes, {@code ""} for none
     * @return the secret's metadata
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    SecretMetadata updateDescription(String projectId, String secretName, String description);

    /**
     * Deletes a secret with all its versions and stages at once (R8).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    void deleteSecret(String projectId, String secretName);

    /**
     * {@link #scheduleDeletion(String, String, int)} with {@value #MAX_RECOVERY_WINDOW_DAYS} days (R8).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION; STORE_FAILURE
     */
    SecretMetadata scheduleDeletion(String projectId, String secretName);

    /**
     * Schedules a deletion at now plus the window (R8; a {@link StageManager}'s now is its injected clock's); see the
     * interface comment.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param recoveryWindowDays {@value #MIN_RECOVERY_WINDOW_DAYS} to {@value #MAX_RECOVERY_WINDOW_DAYS}
     * @return the metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION; STORE_FAILURE
     */
    SecretMetadata scheduleDeletion(String projectId, String secretName, int recoveryWindowDays);

    /**
     * Cancels a scheduled deletion (R8), decided by the store; on an enabled secret it changes nothing (a retry is
     * safe).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata, {@link SecretState#ENABLED}
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND (also past the deletion time); STORE_FAILURE
     */
    SecretMetadata restoreSecret(String projectId, String secretName);

    /**
     * Removes from the store every secret, in every project, past its deletion time (R8); only reclaims storage (such
     * secrets are already gone for every call). Each removal is atomic with a
     * {@link StageEvent.Operation#PURGE_SECRET} event; a failure stops the purge, keeping what was purged.
     *
     * @return how many secrets this call removed
     * @throws StageException STORE_FAILURE
     */
    int purgeExpired();

    /**
     * Adds a version holding SYSCURRENT (R9, R12: SYSPREVIOUS follows), removing the oldest deprecated versions past
     * the limit in the same step (R15).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @return the new version
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    SecretVersion putVersion(String projectId, String secretName, SecretValue value);

    /**
     * Adds a version holding exactly {@code stages} (R10, R11); SYSCURRENT and SYSPREVIOUS move only if SYSCURRENT is
     * named (R12); R15 as {@link #putVersion(String, String, SecretValue)}.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param stages 1 to {@link #maxStages()} stage names; copied
     * @return the new version
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE (R13); SECRET_NOT_FOUND; SECRET_PENDING_DELETION;
     *                        STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages);

    /**
     * An idempotent put: a repeated {@code clientToken} with the same value returns the version put first (with the
     * stages it holds now) and changes nothing; with another value it is INVALID_PARAMETER. A token lives as long as
     * its version (R15), which makes a retry after an ambiguous STORE_FAILURE safe.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param stages 1 to {@link #maxStages()} stage names
     * @param clientToken 1-64 characters of {@code [A-Za-z0-9_-]}
     * @return the new version, or the earlier one
     * @throws StageException as {@link #putVersion(String, String, SecretValue, Set)}, and INVALID_PARAMETER for a
     *                        malformed token or a token used with another value
     */
    SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                             String clientToken);

    /**
     * The most general put: an optional client token (as the overload above) and an optional expiry time (R24).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param stages 1 to {@link #maxStages()} stage names
     * @param clientToken a client token, or empty
     * @param expireTime 0 to 9999999999999 epoch milliseconds (kept to the millisecond), or empty
     * @return the new version, or the earlier one put with the same token and value
     * @throws StageException as {@link #putVersion(String, String, SecretValue, Set, String)}; INVALID_PARAMETER
     *                        also for a bad expiry (R24) or a null Optional
     */
    SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                             Optional<String> clientToken, Optional<Instant> expireTime);

    /**
     * Sets or clears a version's expiry time (R24), metadata only; the same time changes nothing.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param versionId the version (R4; not {@code latest})
     * @param expireTime 0 to 9999999999999 epoch milliseconds, or empty to clear it
     * @return the version's metadata
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION; VERSION_NOT_FOUND;
     *                        STORE_FAILURE
     */
    VersionMetadata updateVersionExpiry(String projectId, String secretName, String versionId,
                                        Optional<Instant> expireTime);

    /**
     * Attaches a stage to a version, moving it from its holder (R11, R18; SYSCURRENT takes SYSPREVIOUS along, R12).
     * Onto its holder it changes nothing, {@code updateTime} included.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @param versionId the version (R4; not {@code latest})
     * @return the stage after the update
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE for SYSPREVIOUS (R13); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION; VERSION_NOT_FOUND; STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    Stage updateStage(String projectId, String secretName, String stageName, String versionId);

    /**
     * A guarded update (R20): applied only if the stage is held now by {@code expectedCurrentVersionId} (compared as
     * text), or by none if it is empty; else CONFLICT, even when the target already holds it. Check and move are one
     * atomic step, always decided by the store: of two rotations from one expectation exactly one wins.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @param versionId the version (R4; not {@code latest})
     * @param expectedCurrentVersionId a well-formed id (R4, need not exist) that must hold the stage, or empty: none
     * @return the stage after the update
     * @throws StageException as {@link #updateStage(String, String, String, String)}, and CONFLICT (R20)
     */
    Stage updateStage(String projectId, String secretName, String stageName, String versionId,
                      Optional<String> expectedCurrentVersionId);

    /**
     * Detaches a custom stage (R19); its holder stays, deprecated if it holds no other stage.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE (R13, R19); SECRET_NOT_FOUND; SECRET_PENDING_DELETION;
     *                        STAGE_NOT_FOUND; STORE_FAILURE
     */
    void deleteStage(String projectId, String secretName, String stageName);
}
