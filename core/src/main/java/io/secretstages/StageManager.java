package io.secretstages;

import io.secretstages.OptimisticWriter.Outcome;
import io.secretstages.StageEvent.Operation;
import io.secretstages.spi.StageRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.secretstages.Stages.SYSCURRENT;

/**
 * Secret versions and their stages, with the rules R1-R24 of docs/rules.md over any {@link StageRepository}. Each
 * method validates its arguments, delegates to the rules and the optimistic writer or the reader, and returns; the
 * classes behind it and where a call goes are drawn in docs/architecture.md.
 *
 * <p><b>Atomicity (R21).</b> Every method is atomic per secret. A write reads the secret, plans the change with the
 * rules, and is applied only if the secret is still at the revision it read; a writer that lost a race (another
 * thread, or another manager over the same database) backs off with jitter and plans again, so unguarded writes
 * never fail because of a race, and a guarded update (R20) re-checks its expectation on every attempt. Every call
 * has a deadline ({@link Builder#callTimeout}, retries included).
 *
 * <p><b>Refusals (R5, R22).</b> A {@link StageException} whose {@link ErrorCode} follows R22's precedence; malformed
 * arguments, null included, are INVALID_PARAMETER before any store is touched. When a method throws nothing changed,
 * unless the exception is a STORE_FAILURE that is {@link StageException#ambiguous()}: then read to learn the outcome.
 *
 * <p><b>Deletion (R8).</b> {@link #deleteSecret} deletes at once; {@link #scheduleDeletion} starts a 7-30 day
 * recovery window in which changes and value reads are refused with SECRET_PENDING_DELETION (stages and metadata stay
 * readable) and {@link #restoreSecret} cancels; past its deletion time (the injected clock decides) a secret is gone
 * for every call, removed by the first call that meets it or by {@link #purgeExpired()}.
 *
 * <p><b>Caches.</b> {@link Builder#cache} serves reads within a staleness bound (this manager's own writes are seen
 * at once); without it a write cache ({@link Builder#writeCacheSize}) plans writes without a read. Either way the
 * store decides every write, and refusals and no-ops planned from a cached snapshot are confirmed on a fresh read.
 *
 * <p><b>Threads, time, logs.</b> Thread-safe, meant to be shared. Time comes from the injected {@link Clock}, kept to
 * the millisecond (R17). One INFO line per committed change (logger {@code io.secretstages.StageManager}), DEBUG for
 * retries; {@link StageListener}s get {@link StageEvent}s and a {@link CallObserver} sees every call. Secret values
 * are never logged nor put in messages.
 */
public final class StageManager {
    private static final Set<String> DEFAULT_STAGES = Set.of(SYSCURRENT);

    /** R8: the shortest recovery window of a scheduled deletion, in days. */
    public static final int MIN_RECOVERY_WINDOW_DAYS = 7;
    /** R8: the longest recovery window of a scheduled deletion, in days, also the default. */
    public static final int MAX_RECOVERY_WINDOW_DAYS = 30;
    /** {@link #listSecrets(String)}: the page size when none is given. */
    public static final int DEFAULT_LIST_LIMIT = 50;
    /** {@link #listSecrets(String, String, int)}: the largest page. */
    public static final int MAX_LIST_LIMIT = 1000;

    private final ManagerSettings settings;
    private final StageRules rules;
    private final Reader reader;
    private final OptimisticWriter writer;
    private final ManagerAssembly parts;
    private final ObservedCalls calls;

    private StageManager(ManagerSettings settings) {
        this.settings = settings;
        this.parts = ManagerAssembly.of(settings);
        this.rules = parts.rules();
        this.reader = parts.reader();
        this.writer = parts.writer();
        this.calls = parts.calls();
    }

    /** @return a builder; {@link Builder#repository(StageRepository)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link StageManager}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private ManagerSettings settings = ManagerSettings.DEFAULTS;

        private Builder() {
        }

        /**
         * @param repository where secrets are kept (required)
         * @return this builder
         */
        public Builder repository(StageRepository repository) {
            settings = settings.withRepository(repository);
            return this;
        }

        /**
         * @param clock the time of every change (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            settings = settings.withClock(clock);
            return this;
        }

        /**
         * @param maxStages R14's limit, the two built-ins included (default 12); at least 2
         * @return this builder
         */
        public Builder maxStages(int maxStages) {
            settings = settings.withLimits(maxStages, settings.maxVersions());
            return this;
        }

        /**
         * @param maxVersions R15's limit (default 20); must exceed {@code maxStages}
         * @return this builder
         */
        public Builder maxVersions(int maxVersions) {
            settings = settings.withLimits(settings.maxStages(), maxVersions);
            return this;
        }

        /**
         * Adds a listener of every committed change (may be called again); see {@link AuditLogger}.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(StageListener listener) {
            settings = settings.withListener(listener);
            return this;
        }

        /**
         * @param observer the observer of every call (metrics, tracing; default {@link CallObserver#NONE})
         * @return this builder
         */
        public Builder observer(CallObserver observer) {
            settings = settings.withObserver(observer);
            return this;
        }

        /**
         * The deadline of every call, retries included (R21): past it a call fails with STORE_FAILURE ("deadline")
         * and applied nothing. A single store call is bounded by the store's own timeouts.
         *
         * @param timeout positive; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder callTimeout(Duration timeout) {
            settings = settings.withCallTimeout(timeout);
            return this;
        }

        /**
         * Serves reads from a cache (Caffeine); see {@link CacheSettings} for what stays exact and what may be stale
         * within the bound. Default: none, every read goes to the store.
         *
         * @param settings the cache settings, or null for no cache
         * @return this builder
         */
        public Builder cache(CacheSettings settings) {
            this.settings = this.settings.withCache(settings);
            return this;
        }

        /**
         * Sizes the write cache: snapshots of the secrets this manager wrote last, so that its next write to one of
         * them needs no read (on PostgreSQL a stage move is one round trip instead of two). Never used for reads nor
         * with a read cache; always safe, since the store applies a plan only at the revision it was made from.
         *
         * @param maximumSize the most snapshots kept (default 10,000); 0 turns it off, the faster setting for a
         *                    store in this JVM's heap, whose reads cost no more than the cache's
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder writeCacheSize(long maximumSize) {
            settings = settings.withWriteCacheSize(maximumSize);
            return this;
        }

        /**
         * @return a manager
         * @throws IllegalStateException if no repository was set
         * @throws IllegalArgumentException if {@code maxStages < 2} or {@code maxVersions <= maxStages} (R15)
         */
        public StageManager build() {
            return new StageManager(settings.validated());
        }
    }

    /** @return the most stages a secret holds, built-ins included (R14) */
    public int maxStages() {
        return settings.maxStages();
    }

    /** @return the most versions a secret keeps (R15) */
    public int maxVersions() {
        return settings.maxVersions();
    }

    /** @return the read cache's counters if {@link CacheSettings#recordStatistics() recorded}; else empty */
    public Optional<CacheStatistics> cacheStatistics() {
        return Optional.ofNullable(parts.snapshots().statistics());
    }

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
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value) {
        return createSecret(projectId, secretName, value, "");
    }

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
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value, String description) {
        return calls.onSecret("createSecret", projectId, secretName, (call, key) -> {
            Inputs.value(value);
            Inputs.description(description);
            return writer.writeAssumingAbsent(key, Operation.CREATE_SECRET, call,
                    (s, now) -> rules.createSecret(key, s, value, description, now)).result();
        });
    }

    /**
     * Changes a secret's description (R23), metadata only; the same description changes nothing.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param description 0 to 2048 UTF-8 bytes, {@code ""} for none
     * @return the secret's metadata
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    public SecretMetadata updateDescription(String projectId, String secretName, String description) {
        return calls.onSecret("updateDescription", projectId, secretName, (call, key) -> {
            Inputs.description(description);
            return writer.write(key, Operation.UPDATE_DESCRIPTION, call,
                    (s, now) -> rules.updateDescription(key, s, description)).result();
        });
    }

    /**
     * Deletes a secret with all its versions and stages at once (R8).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    public void deleteSecret(String projectId, String secretName) {
        calls.onSecret("deleteSecret", projectId, secretName, (call, key) -> writer.write(key,
                Operation.DELETE_SECRET, call, (s, now) -> rules.deleteSecret(key, s)).result());
    }

    /**
     * {@link #scheduleDeletion(String, String, int)} with {@value #MAX_RECOVERY_WINDOW_DAYS} days (R8).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION; STORE_FAILURE
     */
    public SecretMetadata scheduleDeletion(String projectId, String secretName) {
        return scheduleDeletion(projectId, secretName, MAX_RECOVERY_WINDOW_DAYS);
    }

    /**
     * Schedules a deletion at the injected clock's now plus the window (R8); see the class comment.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param recoveryWindowDays {@value #MIN_RECOVERY_WINDOW_DAYS} to {@value #MAX_RECOVERY_WINDOW_DAYS}
     * @return the metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION; STORE_FAILURE
     */
    public SecretMetadata scheduleDeletion(String projectId, String secretName, int recoveryWindowDays) {
        return calls.onSecret("scheduleDeletion", projectId, secretName, (call, key) -> {
            Inputs.recoveryWindowDays(recoveryWindowDays, MIN_RECOVERY_WINDOW_DAYS, MAX_RECOVERY_WINDOW_DAYS);
            return writer.write(key, Operation.SCHEDULE_DELETION, call,
                    (s, now) -> rules.scheduleDeletion(key, s, recoveryWindowDays, now)).result();
        });
    }

    /**
     * Cancels a scheduled deletion (R8), decided by the store; on an enabled secret it changes nothing (a retry is
     * safe).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata, {@link SecretState#ENABLED}
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND (also past the deletion time); STORE_FAILURE
     */
    public SecretMetadata restoreSecret(String projectId, String secretName) {
        return calls.onSecret("restoreSecret", projectId, secretName, (call, key) -> writer.write(key,
                Operation.RESTORE_SECRET, call, (s, now) -> rules.restoreSecret(key, s)).result());
    }

    /**
     * Reads a secret's metadata (name, state, create time, deletion time; R8, R23), also while pending deletion.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    public SecretMetadata getSecret(String projectId, String secretName) {
        return calls.onSecret("getSecret", projectId, secretName, (call, key) -> Views.secret(reader.existing(key)));
    }

    /**
     * {@link #listSecrets(String, String, int)}: the first {@value #DEFAULT_LIST_LIMIT}.
     *
     * @param projectId the project (R1)
     * @return the first page
     * @throws StageException INVALID_PARAMETER; STORE_FAILURE
     */
    public SecretPage listSecrets(String projectId) {
        return listSecrets(projectId, null, DEFAULT_LIST_LIMIT);
    }

    /**
     * One page of a project's secrets in {@link String#compareTo} order; pass a page's
     * {@link SecretPage#nextMarker()} to get the next. Pending secrets are listed with their state, those past their
     * deletion time are not; each entry is read atomically.
     *
     * @param projectId the project (R1)
     * @param marker null for the first page, else a secret name (R2, need not exist) the page starts after
     * @param limit 1 to {@value #MAX_LIST_LIMIT}
     * @return the page
     * @throws StageException INVALID_PARAMETER; STORE_FAILURE
     */
    public SecretPage listSecrets(String projectId, String marker, int limit) {
        return calls.run("listSecrets", projectId, null, call -> {
            Inputs.projectId(projectId);
            Inputs.marker(marker);
            Inputs.listLimit(limit, MAX_LIST_LIMIT);
            return reader.secrets(projectId, marker, limit);
        });
    }

    /**
     * Removes from the store every secret, in every project, past its deletion time (R8) on the injected clock; only
     * reclaims storage (such secrets are already gone for every call). Each removal is atomic with a
     * {@link StageEvent.Operation#PURGE_SECRET} event; a failure stops the purge, keeping what was purged.
     *
     * @return how many secrets this call removed
     * @throws StageException STORE_FAILURE
     */
    public int purgeExpired() {
        return calls.run("purgeExpired", null, null, call -> parts.purger().purgeExpired());
    }

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
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value) {
        return put(projectId, secretName, value, DEFAULT_STAGES, Optional.empty(), Optional.empty());
    }

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
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages) {
        return put(projectId, secretName, value, stages, Optional.empty(), Optional.empty());
    }

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
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    String clientToken) {
        // a null token is malformed here, not "no token"
        return put(projectId, secretName, value, stages, clientToken == null ? null : Optional.of(clientToken),
                Optional.empty());
    }

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
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    Optional<String> clientToken, Optional<Instant> expireTime) {
        return put(projectId, secretName, value, stages, clientToken, expireTime);
    }

    private SecretVersion put(String projectId, String secretName, SecretValue value, Set<String> stages,
                              Optional<String> token, Optional<Instant> expiry) {
        return calls.onSecret("putVersion", projectId, secretName, (call, key) -> {
            Inputs.value(value);
            Set<String> stageSet = Inputs.stageSet(stages, settings.maxStages());
            String clientToken = Inputs.clientToken(token);
            Instant expireTime = Inputs.expireTime(expiry);
            StageRules.refuseBuiltInInPut(stageSet);
            Outcome<VersionMetadata> done = writer.write(key, Operation.PUT_VERSION, call,
                    (s, now) -> rules.putVersion(key, s, value, stageSet, clientToken, expireTime, now));
            return done.changed() ? new SecretVersion(done.result(), value)
                    : reader.earlierPut(done.result(), done.decidedOn(), value);
        });
    }

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
    public VersionMetadata updateVersionExpiry(String projectId, String secretName, String versionId,
                                               Optional<Instant> expireTime) {
        return calls.onSecret("updateVersionExpiry", projectId, secretName, (call, key) -> {
            long number = Inputs.versionId(versionId);
            Instant time = Inputs.expireTime(expireTime);
            return writer.write(key, Operation.UPDATE_VERSION, call,
                    (s, now) -> rules.updateVersionExpiry(key, s, number, versionId, time)).result();
        });
    }

    /**
     * Reads a version with its value by id, or {@code latest}: the SYSCURRENT holder (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param versionIdOrLatest a version id such as {@code "v3"} (R4), or {@code "latest"}
     * @return the version
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); VERSION_NOT_FOUND;
     *                        STORE_FAILURE
     */
    public SecretVersion getVersion(String projectId, String secretName, String versionIdOrLatest) {
        return calls.onSecret("getVersion", projectId, secretName, (call, key) ->
                Inputs.LATEST.equals(versionIdOrLatest)
                        ? reader.version(key, SYSCURRENT, -1, versionIdOrLatest)
                        : reader.version(key, null, Inputs.versionId(versionIdOrLatest), versionIdOrLatest));
    }

    /**
     * Reads the version holding a stage, with its value (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the version
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STAGE_NOT_FOUND;
     *                        STORE_FAILURE
     */
    public SecretVersion getVersionByStage(String projectId, String secretName, String stageName) {
        return calls.onSecret("getVersionByStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            return reader.version(key, stageName, -1, null);
        });
    }

    /**
     * {@link #listVersions(String, String, boolean)} with the deprecated versions.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list, {@code v2} before {@code v10}
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<VersionMetadata> listVersions(String projectId, String secretName) {
        return listVersions(projectId, secretName, true);
    }

    /**
     * Lists a secret's versions without values in version-number order (R16), optionally without the deprecated
     * ones (holding no stage, R15).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param includeDeprecated whether versions holding no stage are listed
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<VersionMetadata> listVersions(String projectId, String secretName, boolean includeDeprecated) {
        return calls.onSecret("listVersions", projectId, secretName,
                (call, key) -> reader.versions(key, includeDeprecated));
    }

    /**
     * Reads a stage: its holder and when it was attached (R17). One store read.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the stage
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STAGE_NOT_FOUND; STORE_FAILURE
     */
    public Stage getStage(String projectId, String secretName, String stageName) {
        return calls.onSecret("getStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            return reader.stage(key, stageName);
        });
    }

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
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId) {
        return update(projectId, secretName, stageName, versionId, false, null);
    }

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
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId,
                             Optional<String> expectedCurrentVersionId) {
        return update(projectId, secretName, stageName, versionId, true, expectedCurrentVersionId);
    }

    private Stage update(String projectId, String secretName, String stageName, String versionId, boolean guarded,
                         Optional<String> expected) {
        return calls.onSecret("updateStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            long number = Inputs.versionId(versionId);
            if (guarded) {
                Inputs.expectedVersionId(expected); // null is malformed, not "unguarded"
            }
            StageRules.refuseBuiltInInUpdate(stageName);
            return writer.write(key, Operation.UPDATE_STAGE, call,
                    (s, now) -> rules.updateStage(key, s, stageName, number, versionId, expected, now)).result();
        });
    }

    /**
     * Detaches a custom stage (R19); its holder stays, deprecated if it holds no other stage.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE (R13, R19); SECRET_NOT_FOUND; SECRET_PENDING_DELETION;
     *                        STAGE_NOT_FOUND; STORE_FAILURE
     */
    public void deleteStage(String projectId, String secretName, String stageName) {
        calls.onSecret("deleteStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            StageRules.refuseBuiltInInDelete(stageName);
            return writer.write(key, Operation.DELETE_STAGE, call, (s, now) -> rules.deleteStage(key, s, stageName))
                    .result();
        });
    }

    /**
     * Lists a secret's stages by name ({@link String#compareTo}). One store read.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<Stage> listStages(String projectId, String secretName) {
        return calls.onSecret("listStages", projectId, secretName, (call, key) -> reader.stages(key));
    }
}
