package io.secretstages;

import io.secretstages.OptimisticWriter.Outcome;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.StageRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static io.secretstages.Stages.SYSCURRENT;

/**
 * Secret versions and their stages, with the rules R1-R22 (docs/rules.md) over any {@link StageRepository}. This
 * class validates each call ({@code Inputs}), hands it to the rules and the optimistic writer, and returns; the
 * architecture is drawn in docs/architecture.md.
 *
 * <p><b>Atomicity.</b> Every method is atomic per secret: a write is applied entirely or not at all, and a read sees
 * one consistent state. Writes are optimistic: the manager reads the secret, plans the change with the rules, and
 * asks the store to apply it only if the secret is still at the revision it read. If another writer (a thread, or a
 * manager in another JVM over the same database) got there first, the manager backs off (with jitter), reads again
 * and retries, so unguarded writes never fail because of a race (R21); a guarded update (R20) re-checks its
 * expectation on every attempt. Every call has a deadline ({@link Builder#callTimeout}, retries included).
 *
 * <p><b>Refusals.</b> Every refusal is a {@link StageException} whose {@link ErrorCode} follows R22's precedence.
 * Malformed arguments, {@code null} included, are {@link ErrorCode#INVALID_PARAMETER} before any store is touched.
 * When a method throws, nothing changed, except for a {@link ErrorCode#STORE_FAILURE} that is
 * {@link StageException#ambiguous()}: the store may have committed before failing; read to learn the outcome.
 *
 * <p><b>Lifecycle (R8).</b> {@link #deleteSecret} deletes at once; {@link #scheduleDeletion} marks a secret pending
 * deletion for a 7-30 day recovery window, during which every change is refused with
 * {@link ErrorCode#SECRET_PENDING_DELETION}, values are hidden (reading one is refused the same way), and stages and
 * metadata stay readable; {@link #restoreSecret} cancels it. From its deletion time on (the injected clock decides),
 * the secret is gone for every call: it is removed from the store lazily by the first call that meets it, and in
 * bulk by {@link #purgeExpired()}, which a host application may schedule.
 *
 * <p><b>Cache.</b> Built with {@link Builder#cache(CacheSettings)}, the manager serves reads from a Caffeine cache:
 * its own writes are visible to every later read at once, other nodes' writes within the configured staleness, and
 * every write (guarded updates included) is still decided by the store. Without a read cache, the manager keeps the
 * snapshots of the secrets it wrote last, for planning its next writes without a read
 * ({@link Builder#writeCacheSize(long)}); reads always go to the store then.
 *
 * <p><b>Threads.</b> Instances are thread-safe and meant to be shared. Time comes from the injected {@link Clock}
 * and is kept with millisecond precision (R17).
 *
 * <p><b>Observing.</b> One INFO line per committed change (logger {@code io.secretstages.StageManager}), DEBUG for
 * retries; {@link StageListener}s get each change as a {@link StageEvent}; a {@link CallObserver} sees every call.
 * Secret values are never logged, nor put in exception messages.
 */
public final class StageManager {
    private static final Set<String> DEFAULT_STAGES = Set.of(SYSCURRENT);
    private static final Duration WRITE_CACHE_TTL = Duration.ofSeconds(30);

    /** R8: the shortest recovery window of a scheduled deletion, in days. */
    public static final int MIN_RECOVERY_WINDOW_DAYS = 7;
    /** R8: the longest recovery window of a scheduled deletion, in days, also the default. */
    public static final int MAX_RECOVERY_WINDOW_DAYS = 30;
    /** {@link #listSecrets(String)}: the page size when none is given. */
    public static final int DEFAULT_LIST_LIMIT = 50;
    /** {@link #listSecrets(String, String, int)}: the largest page. */
    public static final int MAX_LIST_LIMIT = 1000;

    private final Clock clock;
    private final int maxStages;
    private final int maxVersions;
    private final StageRules rules;
    private final Snapshots snapshots;
    private final Reader reader;
    private final OptimisticWriter writer;
    private final Purger purger;
    private final CallObserver observer;

    private StageManager(Builder b) {
        StoreCalls store = new StoreCalls(b.repository);
        if (b.cacheSettings != null) {
            this.snapshots = Snapshots.readCache(store, b.cacheSettings);
        } else if (b.writeCacheSize > 0) {
            this.snapshots = Snapshots.writeCache(store,
                    CacheSettings.expireAfterWrite(WRITE_CACHE_TTL).maximumSize(b.writeCacheSize));
        } else {
            this.snapshots = Snapshots.direct(store);
        }
        this.clock = b.clock;
        this.maxStages = b.maxStages;
        this.maxVersions = b.maxVersions;
        this.rules = new StageRules(maxStages, maxVersions);
        ChangeNotifier notifier = new ChangeNotifier(b.listeners, clock);
        this.purger = new Purger(store, snapshots, notifier, clock);
        this.reader = new Reader(snapshots, store, purger, clock, b.callTimeout);
        this.writer = new OptimisticWriter(store, snapshots, purger, notifier, clock, b.callTimeout);
        this.observer = SafeObserver.of(b.observer);
    }

    /** @return a builder; {@link Builder#repository(StageRepository)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link StageManager}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private StageRepository repository;
        private Clock clock = Clock.systemUTC();
        private int maxStages = 12;
        private int maxVersions = 20;
        private CacheSettings cacheSettings;
        private long writeCacheSize = 10_000;
        private final List<StageListener> listeners = new ArrayList<>();
        private CallObserver observer = CallObserver.NONE;
        private Duration callTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * Adds a listener told of every change this manager commits (see {@link StageListener}); may be called more
         * than once. {@link AuditLogger} logs them.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(StageListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Registers the observer of every call (metrics, tracing); see {@link CallObserver}. Default
         * {@link CallObserver#NONE}.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(CallObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * The deadline of every call, retries included (R21): a write still losing races, or a version read still
         * meeting removed versions, when it passes fails with {@link ErrorCode#STORE_FAILURE} (message: "deadline")
         * and applied nothing. A single store call is bounded by the store's own timeouts.
         *
         * @param timeout positive; default 30 s
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder callTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("callTimeout must be positive");
            }
            this.callTimeout = timeout;
            return this;
        }

        /**
         * Caches what the manager reads from the store (Caffeine). Without it (the default) every read goes to the
         * store. See {@link CacheSettings} for what stays exact (this manager's own writes, every write decision)
         * and what may be stale, within the bound, on reads (other nodes' writes).
         *
         * @param settings the cache settings, or null for no cache
         * @return this builder
         */
        public Builder cache(CacheSettings settings) {
            this.cacheSettings = settings;
            return this;
        }

        /**
         * Sizes the write cache: the snapshots of the secrets this manager wrote most recently, kept so that the
         * next write to one of them needs no read first (on PostgreSQL a stage move is then one round trip instead
         * of two). Never used for reads, and always safe: a write is applied only if the secret is at the revision
         * it was planned from, so a plan from a snapshot another node made stale fails that check and is planned
         * again from a fresh read; refusals and no-op answers are confirmed against the store. Not used when a read
         * cache is configured (it plays this part).
         *
         * @param maximumSize the most snapshots kept (default 10,000); 0 turns the write cache off (for a store in
         *                    this JVM's heap, whose reads cost no more than the cache's)
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder writeCacheSize(long maximumSize) {
            if (maximumSize < 0) {
                throw new IllegalArgumentException("writeCacheSize must not be negative");
            }
            this.writeCacheSize = maximumSize;
            return this;
        }

        /**
         * @param repository where secrets are kept (required)
         * @return this builder
         */
        public Builder repository(StageRepository repository) {
            this.repository = Objects.requireNonNull(repository, "repository");
            return this;
        }

        /**
         * @param clock the source of create and update times (default {@link Clock#systemUTC()})
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param maxStages the most stages a secret holds, the two built-ins included (R14, default 12); at least 2
         * @return this builder
         */
        public Builder maxStages(int maxStages) {
            this.maxStages = maxStages;
            return this;
        }

        /**
         * @param maxVersions the most versions a secret keeps (R15, default 20); must exceed {@code maxStages}
         * @return this builder
         */
        public Builder maxVersions(int maxVersions) {
            this.maxVersions = maxVersions;
            return this;
        }

        /**
         * @return a manager
         * @throws IllegalStateException if no repository was set
         * @throws IllegalArgumentException if {@code maxStages < 2} or {@code maxVersions <= maxStages} (R15)
         */
        public StageManager build() {
            if (repository == null) {
                throw new IllegalStateException("a StageManager needs a repository");
            }
            if (maxStages < 2) {
                throw new IllegalArgumentException("maxStages must be at least 2 (the built-in stages), was " + maxStages);
            }
            if (maxVersions <= maxStages) {
                throw new IllegalArgumentException("maxVersions (" + maxVersions + ") must exceed maxStages ("
                        + maxStages + ") so that a deprecated version can always be removed (R15)");
            }
            return new StageManager(this);
        }
    }

    /** @return the most stages a secret holds, built-ins included (R14) */
    public int maxStages() {
        return maxStages;
    }

    /** @return the most versions a secret keeps (R15) */
    public int maxVersions() {
        return maxVersions;
    }

    /**
     * @return the cache's counters, if the manager was built with {@link Builder#cache(CacheSettings)} and the
     *         settings {@link CacheSettings#recordStatistics() record statistics}; else empty
     */
    public Optional<CacheStatistics> cacheStatistics() {
        return Optional.ofNullable(snapshots.statistics());
    }

    // ---------------------------------------------------------------- secrets (R6-R8)

    /**
     * Creates a secret with its first version {@code v1}, which holds {@code SYSCURRENT} (R6). Atomic. A secret
     * pending deletion (R8) still holds its name: creating it again is refused with SECRET_PENDING_DELETION (restore
     * it instead). Once its deletion time has passed, the name is free and the new secret starts at {@code v1} (R4).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @return the first version
     * @throws StageException INVALID_PARAMETER (R1, R2, R7); SECRET_ALREADY_EXISTS (R6); SECRET_PENDING_DELETION
     *                        (R8); STORE_FAILURE
     */
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value) {
        return create(projectId, secretName, value, "");
    }

    /**
     * Creates a secret with a description (R23) and its first version {@code v1}, which holds {@code SYSCURRENT}
     * (R6). See {@link #createSecret(String, String, SecretValue)}.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param description 0 to 2048 UTF-8 bytes, {@code ""} for none (R23)
     * @return the first version
     * @throws StageException INVALID_PARAMETER (R1, R2, R7, R23); SECRET_ALREADY_EXISTS (R6);
     *                        SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value, String description) {
        return create(projectId, secretName, value, description);
    }

    private SecretVersion create(String projectId, String secretName, SecretValue value, String description) {
        return observed("createSecret", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.value(value);
            Inputs.description(description);
            return writer.writeAssumingAbsent(key, StageEvent.Operation.CREATE_SECRET, call,
                    (s, now) -> rules.createSecret(key, s, value, description, now)).result();
        });
    }

    /**
     * Changes a secret's description (R23). Metadata only: no version or stage changes. Setting the description it
     * has changes nothing. Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param description 0 to 2048 UTF-8 bytes, {@code ""} for none
     * @return the secret's metadata with the description
     * @throws StageException INVALID_PARAMETER (R1, R2, R23, null included); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    public SecretMetadata updateDescription(String projectId, String secretName, String description) {
        return observed("updateDescription", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.description(description);
            return writer.write(key, StageEvent.Operation.UPDATE_DESCRIPTION, call,
                    (s, now) -> rules.updateDescription(key, s, description)).result();
        });
    }

    /**
     * Deletes a secret with all its versions and stages at once (R8). Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8: a secret
     *                        pending deletion is deleted by its schedule, or restored); STORE_FAILURE
     */
    public void deleteSecret(String projectId, String secretName) {
        observed("deleteSecret", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            return writer.write(key, StageEvent.Operation.DELETE_SECRET, call,
                    (s, now) -> rules.deleteSecret(key, s)).result();
        });
    }

    /**
     * Schedules the secret's deletion with the default recovery window of {@value #MAX_RECOVERY_WINDOW_DAYS} days
     * (R8). See {@link #scheduleDeletion(String, String, int)}.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the secret's metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND; SECRET_PENDING_DELETION if already
     *                        scheduled; STORE_FAILURE
     */
    public SecretMetadata scheduleDeletion(String projectId, String secretName) {
        return scheduleDeletion(projectId, secretName, MAX_RECOVERY_WINDOW_DAYS);
    }

    /**
     * Schedules the secret's deletion (R8): it becomes {@link SecretState#PENDING_DELETION} until now plus
     * {@code recoveryWindowDays} (the injected clock's now). Meanwhile every change is refused with
     * SECRET_PENDING_DELETION, reading a value is refused the same way, and stages and metadata stay readable;
     * {@link #restoreSecret} cancels. From the deletion time on the secret is gone (SECRET_NOT_FOUND everywhere), and
     * it is removed from the store by the first call that meets it or by {@link #purgeExpired()}. Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param recoveryWindowDays {@value #MIN_RECOVERY_WINDOW_DAYS} to {@value #MAX_RECOVERY_WINDOW_DAYS}
     * @return the secret's metadata, {@link SecretState#PENDING_DELETION} with its deletion time
     * @throws StageException INVALID_PARAMETER (R1, R2, a window outside 7-30 days); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION if already scheduled; STORE_FAILURE
     */
    public SecretMetadata scheduleDeletion(String projectId, String secretName, int recoveryWindowDays) {
        return observed("scheduleDeletion", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.recoveryWindowDays(recoveryWindowDays, MIN_RECOVERY_WINDOW_DAYS, MAX_RECOVERY_WINDOW_DAYS);
            return writer.write(key, StageEvent.Operation.SCHEDULE_DELETION, call,
                    (s, now) -> rules.scheduleDeletion(key, s, recoveryWindowDays, now)).result();
        });
    }

    /**
     * Cancels a scheduled deletion (R8): the secret is {@link SecretState#ENABLED} again with all its versions,
     * values and stages. Restoring a secret that is not pending deletion changes nothing and returns its metadata
     * (so a retry is safe). Always decided by the store, never by a cached state. Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the secret's metadata, {@link SecretState#ENABLED}
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND, also once the deletion time has passed;
     *                        STORE_FAILURE
     */
    public SecretMetadata restoreSecret(String projectId, String secretName) {
        return observed("restoreSecret", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            return writer.write(key, StageEvent.Operation.RESTORE_SECRET, call,
                    (s, now) -> rules.restoreSecret(key, s)).result();
        });
    }

    /**
     * Reads a secret's own metadata: name, state, create time and, while pending deletion, the deletion time (R8).
     * Readable while pending deletion. One store read.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND (also past the deletion time);
     *                        STORE_FAILURE
     */
    public SecretMetadata getSecret(String projectId, String secretName) {
        return observed("getSecret", projectId, secretName,
                call -> Views.secret(reader.existing(key(projectId, secretName))));
    }

    /**
     * Lists the first {@value #DEFAULT_LIST_LIMIT} secrets of a project. See {@link #listSecrets(String, String, int)}.
     *
     * @param projectId the project (R1)
     * @return the first page
     * @throws StageException INVALID_PARAMETER (R1); STORE_FAILURE
     */
    public SecretPage listSecrets(String projectId) {
        return listSecrets(projectId, null, DEFAULT_LIST_LIMIT);
    }

    /**
     * Lists a project's secrets in ascending name order ({@link String#compareTo}), one page at a time, as the
     * provider's list APIs do: pass the {@link SecretPage#nextMarker()} of a page as the {@code marker} of the next
     * call until it is empty. Secrets pending deletion are listed with their state; secrets past their deletion time
     * are not. Each entry is read atomically; a secret created or deleted while paging may or may not appear.
     *
     * @param projectId the project (R1)
     * @param marker null for the first page; else only secrets whose names sort after it (a secret name, R2, that
     *               need not exist)
     * @param limit 1 to {@value #MAX_LIST_LIMIT} secrets per page
     * @return the page
     * @throws StageException INVALID_PARAMETER (R1, a malformed marker, a limit outside 1-1000); STORE_FAILURE
     */
    public SecretPage listSecrets(String projectId, String marker, int limit) {
        return observed("listSecrets", projectId, null, call -> {
            Inputs.projectId(projectId);
            Inputs.marker(marker);
            Inputs.listLimit(limit, MAX_LIST_LIMIT);
            return reader.secrets(projectId, marker, limit);
        });
    }

    /**
     * Removes from the store every secret, in every project, whose deletion time (R8) has passed on the injected
     * clock. Such secrets are already invisible to every call (and the first call that meets one removes it), so
     * purging only reclaims storage; a host application may run it on a schedule. Each secret is removed atomically,
     * with a {@link StageEvent.Operation#PURGE_SECRET} event; a failure stops the purge with what was purged so far
     * left purged.
     *
     * @return how many secrets this call removed (a secret another node purged at the same time counts there)
     * @throws StageException STORE_FAILURE
     */
    public int purgeExpired() {
        return observed("purgeExpired", null, null, call -> purger.purgeExpired());
    }

    // ---------------------------------------------------------------- versions (R9-R16)

    /**
     * Adds a version holding {@code SYSCURRENT} (R9); {@code SYSPREVIOUS} moves to the version that held it (R12);
     * beyond the version limit the oldest deprecated versions are removed in the same atomic step (R15).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @return the new version, with the stages it holds
     * @throws StageException INVALID_PARAMETER (R1, R2, R7); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STORE_FAILURE
     */
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value) {
        return put(projectId, secretName, value, DEFAULT_STAGES, null, Optional.empty());
    }

    /**
     * Adds a version holding exactly {@code stages} (R10), each moved from the version that held it (R11). Only when
     * {@code SYSCURRENT} is among them does it move, and {@code SYSPREVIOUS} with it (R12). Beyond the version limit
     * the oldest deprecated versions are removed in the same atomic step (R15).
     *
     * @param stages 1 to {@link #maxStages()} stage names; copied
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @return the new version, with the stages it holds
     * @throws StageException INVALID_PARAMETER (R1-R3, R7, R10); BUILT_IN_STAGE if {@code SYSPREVIOUS} is named
     *                        (R13); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8);
     *                        STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages) {
        return put(projectId, secretName, value, stages, null, Optional.empty());
    }

    /**
     * An idempotent {@link #putVersion(String, String, SecretValue, Set) putVersion} (as AWS's
     * ClientRequestToken): if a version of the secret was already put with {@code clientToken}, nothing changes and
     * that version is returned (with the stages it holds now) when the value is the same, and the call is refused
     * with {@link ErrorCode#INVALID_PARAMETER} when it is not. A token is remembered as long as its version exists
     * (R15 may remove it). This makes a retry after an ambiguous {@link ErrorCode#STORE_FAILURE} safe.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param stages 1 to {@link #maxStages()} stage names, for example {@code Set.of(Stages.SYSCURRENT)}
     * @param clientToken 1-64 characters of {@code [A-Za-z0-9_-]}, unique per put the caller means
     * @return the new version, or the one put earlier with the same token and value
     * @throws StageException INVALID_PARAMETER (R1-R3, R7, R10, a malformed token, or a token used with another
     *                        value); BUILT_IN_STAGE (R13); SECRET_NOT_FOUND; SECRET_PENDING_DELETION
     *                        (R8); STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    String clientToken) {
        if (clientToken == null) { // a null token is malformed here, not "no token"
            return observed("putVersion", projectId, secretName, call -> {
                Inputs.clientToken(null);
                return null;
            });
        }
        return put(projectId, secretName, value, stages, clientToken, Optional.empty());
    }

    /**
     * The most general {@code putVersion}: {@link #putVersion(String, String, SecretValue, Set, String)} with an
     * optional client token, and an optional expiry time for the new version (R24, metadata only).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * @param stages 1 to {@link #maxStages()} stage names
     * @param clientToken a client token (idempotent put), or empty for none
     * @param expireTime the version's expiry time, 0 to 9999999999999 epoch milliseconds (kept to the
     *                   millisecond), or empty for none; a repeated client token answers with the earlier version
     *                   as it is
     * @return the new version, or the one put earlier with the same token and value
     * @throws StageException INVALID_PARAMETER (R1-R3, R7, R10, R24, a malformed token, a token used with another
     *                        value, a null Optional); BUILT_IN_STAGE (R13); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION (R8); STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    Optional<String> clientToken, Optional<Instant> expireTime) {
        if (clientToken == null || expireTime == null) {
            return observed("putVersion", projectId, secretName, call -> {
                throw Inputs.invalid("client token and expire time must be Optionals, not null");
            });
        }
        return put(projectId, secretName, value, stages, clientToken.orElse(null), expireTime);
    }

    private SecretVersion put(String projectId, String secretName, SecretValue value, Set<String> stages,
                              String clientToken, Optional<Instant> expiry) {
        return observed("putVersion", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.value(value);
            Set<String> stageSet = Inputs.stageSet(stages, maxStages);
            if (clientToken != null) {
                Inputs.clientToken(clientToken);
            }
            Instant expireTime = Inputs.expireTime(expiry);
            StageRules.refuseBuiltInInPut(stageSet);
            Outcome<VersionMetadata> done = writer.write(key, StageEvent.Operation.PUT_VERSION, call,
                    (s, now) -> rules.putVersion(key, s, value, stageSet, clientToken, expireTime, now));
            if (done.changed()) {
                return new SecretVersion(done.result(), value);
            }
            // a repeated client token: the same value returns the earlier version, another is refused
            VersionMetadata earlier = done.result();
            Optional<SecretValue> stored = reader.storedValue(done.decidedOn(),
                    Inputs.versionNumber(earlier.id()));
            StageRules.refuseOtherValueForToken(earlier, stored, value);
            return new SecretVersion(earlier, stored.orElse(value));
        });
    }

    /**
     * Sets or clears a version's expiry time (R24). Metadata only: an expired version stays readable and keeps its
     * stages. Setting the time it has changes nothing. Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param versionId the version (R4; not {@code latest})
     * @param expireTime 0 to 9999999999999 epoch milliseconds (kept to the millisecond), or empty to clear it
     * @return the version's metadata after the change
     * @throws StageException INVALID_PARAMETER (R1, R2, R4, R24, a null Optional); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION (R8); VERSION_NOT_FOUND; STORE_FAILURE
     */
    public VersionMetadata updateVersionExpiry(String projectId, String secretName, String versionId,
                                               Optional<Instant> expireTime) {
        return observed("updateVersionExpiry", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            long number = Inputs.versionId(versionId);
            Instant time = Inputs.expireTime(expireTime);
            return writer.write(key, StageEvent.Operation.UPDATE_VERSION, call,
                    (s, now) -> rules.updateVersionExpiry(key, s, number, versionId, time)).result();
        });
    }

    /**
     * Reads a version with its value, by id or by {@code latest}, the version holding {@code SYSCURRENT} (R16).
     *
     * @param versionIdOrLatest a version id such as {@code "v3"} (R4), or {@code "latest"}
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the result
     * @throws StageException INVALID_PARAMETER (R1, R2, R4); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8: values
     *                        are hidden); VERSION_NOT_FOUND; STORE_FAILURE
     */
    public SecretVersion getVersion(String projectId, String secretName, String versionIdOrLatest) {
        return observed("getVersion", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            if (Inputs.LATEST.equals(versionIdOrLatest)) {
                return reader.version(key, SYSCURRENT, -1, versionIdOrLatest);
            }
            return reader.version(key, null, Inputs.versionId(versionIdOrLatest), versionIdOrLatest);
        });
    }

    /**
     * Reads the version holding a stage, with its value (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the result
     * @throws StageException INVALID_PARAMETER (R1-R3); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8: values are
     *                        hidden); STAGE_NOT_FOUND; STORE_FAILURE
     */
    public SecretVersion getVersionByStage(String projectId, String secretName, String stageName) {
        return observed("getVersionByStage", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.stageName(stageName);
            return reader.version(key, stageName, -1, null);
        });
    }

    /**
     * Lists a secret's versions without values, in version-number order ({@code v2} before {@code v10}) (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<VersionMetadata> listVersions(String projectId, String secretName) {
        return listVersions(projectId, secretName, true);
    }

    /**
     * Lists a secret's versions without values, in version-number order, optionally leaving out the deprecated
     * ones (those holding no stage, R15), as the peers' list calls do by default.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param includeDeprecated whether versions that hold no stage are listed
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<VersionMetadata> listVersions(String projectId, String secretName, boolean includeDeprecated) {
        return observed("listVersions", projectId, secretName,
                call -> reader.versions(key(projectId, secretName), includeDeprecated));
    }

    // ---------------------------------------------------------------- stages (R17-R20)

    /**
     * Reads a stage: the version holding it and when it was attached (R17). Atomic, one store read.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the stage and the version holding it
     * @throws StageException INVALID_PARAMETER (R1-R3); SECRET_NOT_FOUND; STAGE_NOT_FOUND; STORE_FAILURE
     */
    public Stage getStage(String projectId, String secretName, String stageName) {
        return observed("getStage", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.stageName(stageName);
            return reader.stage(key, stageName);
        });
    }

    /**
     * Attaches a stage to a version, moving it from the version that held it (R11, R18). Moving {@code SYSCURRENT}
     * moves {@code SYSPREVIOUS} to its former holder in the same atomic step (R12). Attaching a stage to the version
     * that holds it changes nothing, {@code updateTime} included. Never fails because of a concurrent writer (R21).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @param versionId the version to attach the stage to (R4; not {@code latest})
     * @return the stage as it is after the update
     * @throws StageException INVALID_PARAMETER (R1-R4, {@code latest} included); BUILT_IN_STAGE for
     *                        {@code SYSPREVIOUS} (R13); SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8);
     *                        VERSION_NOT_FOUND; STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId) {
        return update(projectId, secretName, stageName, versionId, null);
    }

    /**
     * A guarded {@link #updateStage(String, String, String, String) updateStage} (R20): applied only if the stage is
     * held now by {@code expectedCurrentVersionId} (compared as text), or by no version if it is empty; otherwise
     * refused with {@link ErrorCode#CONFLICT}, even when the target already holds the stage. The check and the move
     * are one atomic step: of two rotations racing from the same expectation, exactly one wins. The check is always
     * made against the store.
     *
     * @param expectedCurrentVersionId {@code Optional.of(id)}: {@code id} (well-formed, R4, need not exist) must hold
     *                                 the stage now; {@code Optional.empty()}: no version may hold it
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @param versionId the version to attach the stage to (R4; not {@code latest})
     * @return the stage as it is after the update
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE (R13); SECRET_NOT_FOUND; SECRET_PENDING_DELETION
     *                        (R8); VERSION_NOT_FOUND; CONFLICT (R20); STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId,
                             Optional<String> expectedCurrentVersionId) {
        if (expectedCurrentVersionId == null) { // null is malformed here, not "unguarded"
            return observed("updateStage", projectId, secretName, call -> {
                Inputs.expectedVersionId(null);
                return null;
            });
        }
        return update(projectId, secretName, stageName, versionId, expectedCurrentVersionId);
    }

    private Stage update(String projectId, String secretName, String stageName, String versionId,
                         Optional<String> expected) {
        return observed("updateStage", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.stageName(stageName);
            long number = Inputs.versionId(versionId);
            if (expected != null) {
                Inputs.expectedVersionId(expected);
            }
            StageRules.refuseBuiltInInUpdate(stageName);
            return writer.write(key, StageEvent.Operation.UPDATE_STAGE, call,
                    (s, now) -> rules.updateStage(key, s, stageName, number, versionId, expected, now)).result();
        });
    }

    /**
     * Detaches a custom stage (R19). The version that held it keeps existing, deprecated if it holds no other stage.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @throws StageException INVALID_PARAMETER (R1-R3); BUILT_IN_STAGE for {@code SYSCURRENT} and
     *                        {@code SYSPREVIOUS}; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8);
     *                        STAGE_NOT_FOUND; STORE_FAILURE
     */
    public void deleteStage(String projectId, String secretName, String stageName) {
        observed("deleteStage", projectId, secretName, call -> {
            SecretKey key = key(projectId, secretName);
            Inputs.stageName(stageName);
            StageRules.refuseBuiltInInDelete(stageName);
            return writer.write(key, StageEvent.Operation.DELETE_STAGE, call,
                    (s, now) -> rules.deleteStage(key, s, stageName)).result();
        });
    }

    /**
     * Lists a secret's stages, ordered by name ({@link String#compareTo}). Atomic, one store read.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER (R1, R2); SECRET_NOT_FOUND; STORE_FAILURE
     */
    public List<Stage> listStages(String projectId, String secretName) {
        return observed("listStages", projectId, secretName, call -> reader.stages(key(projectId, secretName)));
    }

    // ---------------------------------------------------------------- internals

    private static SecretKey key(String projectId, String secretName) {
        Inputs.projectId(projectId);
        Inputs.secretName(secretName);
        return new SecretKey(projectId, secretName);
    }

    /** Runs one public call under the observer: {@code start} before validation, {@code end} exactly once. */
    private <T> T observed(String operation, String projectId, String secretName,
                           Function<CallObserver.Call, T> body) {
        CallObserver.Call call = observer.start(operation, projectId, secretName);
        T result;
        try {
            result = body.apply(call);
        } catch (StageException e) {
            call.end(e.code());
            throw e;
        } catch (RuntimeException | Error e) {
            call.end(ErrorCode.STORE_FAILURE);
            throw e;
        }
        call.end(null);
        return result;
    }
}
