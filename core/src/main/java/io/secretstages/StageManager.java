package io.secretstages;

import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.VersionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;

/**
 * Secret versions and their stages, with the rules of SPEC.md (R1-R22) over any {@link StageRepository}.
 *
 * <p><b>Atomicity.</b> Every method is atomic per secret: a write is applied entirely or not at all, and a read sees
 * one consistent state. Writes are optimistic: the manager reads the secret, computes the change with the rules, and
 * asks the store to apply it only if the secret is still at the revision it read. If another writer (a thread, or a
 * manager in another JVM over the same database) got there first, the manager reads again and retries, so unguarded
 * writes never fail because of a race (R21); a guarded update (R20) re-checks its expectation on every attempt.
 *
 * <p><b>Refusals.</b> Every refusal is a {@link StageException} whose {@link ErrorCode} follows R22's precedence.
 * Malformed arguments, {@code null} included, are {@link ErrorCode#INVALID_PARAMETER} before any store is touched.
 * When a method throws, nothing changed, with one exception that no library can rule out: a
 * {@link ErrorCode#STORE_FAILURE} whose cause is an ambiguous commit (the database may have committed before the
 * connection failed); read the secret to learn the outcome.
 *
 * <p><b>Lifecycle (R8).</b> {@link #deleteSecret} deletes at once; {@link #scheduleDeletion} marks a secret pending
 * deletion for a 7-30 day recovery window, during which every change is refused with
 * {@link ErrorCode#SECRET_PENDING_DELETION}, values are hidden (reading one is refused the same way), and stages and
 * metadata stay readable ({@link #getSecret}, {@link #getStage}, {@link #listStages}, {@link #listVersions});
 * {@link #restoreSecret} cancels it. From its deletion time on (the injected clock decides), the secret is gone for
 * every call: it is removed from the store lazily by the first call that meets it, and in bulk by
 * {@link #purgeExpired()}, which a host application may schedule.
 *
 * <p><b>Cache.</b> Built with {@link Builder#cache(CacheSettings)}, the manager serves reads from a Caffeine cache:
 * its own writes are visible to every later read at once, other nodes' writes within the configured staleness, and
 * every write (guarded updates included) is still decided by the store. See {@link CacheSettings}. Without a read
 * cache, a manager over a database still keeps the snapshots of the secrets it wrote last, for planning its next
 * writes without a read ({@link Builder#writeCacheSize(long)}); reads always go to the store then.
 *
 * <p><b>Threads.</b> Instances are thread-safe and meant to be shared. Time comes from the injected {@link Clock}
 * and is kept with millisecond precision (R17).
 *
 * <p><b>Logging.</b> One INFO line per committed change (logger {@code io.secretstages.StageManager}) saying what
 * moved where; DEBUG for retries. Secret values are never logged, nor put in exception messages.
 */
public final class StageManager {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);
    private static final Set<String> DEFAULT_STAGES = Set.of(SYSCURRENT);
    private static final int PURGE_BATCH = 100;
    private static final Duration WRITE_CACHE_TTL = Duration.ofSeconds(30);

    /** R8: the shortest recovery window of a scheduled deletion, in days. */
    public static final int MIN_RECOVERY_WINDOW_DAYS = 7;
    /** R8: the longest recovery window of a scheduled deletion, in days, also the default. */
    public static final int MAX_RECOVERY_WINDOW_DAYS = 30;
    /** {@link #listSecrets(String)}: the page size when none is given. */
    public static final int DEFAULT_LIST_LIMIT = 50;
    /** {@link #listSecrets(String, String, int)}: the largest page. */
    public static final int MAX_LIST_LIMIT = 1000;

    /** Where reads go: the read cache, or the store. */
    private final StageRepository repository;
    /** The store itself, under any cache. */
    private final StageRepository store;
    /** The read cache, or null. */
    private final CachingRepository cache;
    /** Where writes are planned from: the read cache, a cache of recently written snapshots, or null (the store). */
    private final CachingRepository planning;
    /** Where writes go: {@link #planning} (which updates itself after the store committed), or the store. */
    private final StageRepository writer;
    private final Clock clock;
    private final int maxStages;
    private final int maxVersions;
    private final StageRules rules;
    private final List<StageListener> listeners;
    private final CallObserver observer;
    /** The observed call running on this thread, for {@link #lostRace}; unused with {@link CallObserver#NONE}. */
    private final ThreadLocal<CallObserver.Call> currentCall = new ThreadLocal<>();

    private StageManager(Builder b) {
        this.cache = b.cacheSettings == null ? null : new CachingRepository(b.repository, b.cacheSettings);
        this.repository = cache == null ? b.repository : cache;
        this.store = b.repository;
        if (cache != null) {
            this.planning = cache;
        } else if (b.writeCacheSize > 0 && !b.repository.readsAreCheap()) {
            this.planning = new CachingRepository(b.repository,
                    CacheSettings.expireAfterWrite(WRITE_CACHE_TTL).maximumSize(b.writeCacheSize));
        } else {
            this.planning = null;
        }
        this.writer = planning == null ? store : planning;
        this.clock = b.clock;
        this.maxStages = b.maxStages;
        this.maxVersions = b.maxVersions;
        this.rules = new StageRules(maxStages, maxVersions);
        this.listeners = List.copyOf(b.listeners);
        this.observer = b.observer;
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

        private Builder() {
        }

        /**
         * Registers the observer told of every call's start, lost races and end (see {@link CallObserver}; the
         * {@code secret-stages-micrometer} module provides one). One per manager; the default does nothing.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(CallObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
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
         * Caches what the manager reads from the store (Caffeine). Without it (the default) every call reads the
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
         * Sizes the write cache: the snapshots of the secrets this manager wrote most recently, kept so that the next
         * write to one of them needs no read first (on PostgreSQL a stage move is then one round trip instead of two).
         * It is never used for reads, and it is always safe: every write is still applied only if the secret is at
         * the revision it was planned from, so a write planned from a snapshot that another node made stale fails
         * that check and is planned again from a fresh read; refusals and no-op answers are confirmed against the
         * store. Not used for stores whose reads are as cheap as a cache ({@link StageRepository#readsAreCheap()},
         * the in-memory store) or when a read cache is configured (it plays this part).
         *
         * @param maximumSize the most snapshots kept (default 10,000); 0 turns the write cache off
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
        return cache == null ? Optional.empty() : Optional.ofNullable(cache.statistics());
    }

    // ---------------------------------------------------------------- secrets (R6-R8)

    /**
     * Creates a secret with its first version {@code v1}, which holds {@code SYSCURRENT} (R6). Atomic.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param value the value (R7)
     * <p>A secret pending deletion (R8) still holds its name: creating it again is refused with
     * SECRET_PENDING_DELETION (decision: it tells the caller that {@link #restoreSecret} is the way back). Once its
     * deletion time has passed, the name is free and the new secret starts at {@code v1} (R4).
     *
     * @return the first version
     * @throws StageException INVALID_PARAMETER (R1, R2, R7); SECRET_ALREADY_EXISTS (R6); SECRET_PENDING_DELETION
     *                        (R8); STORE_FAILURE
     */
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value) {
        return observed("createSecret", projectId, secretName,
                () -> createSecretUnobserved(projectId, secretName, value));
    }

    private SecretVersion createSecretUnobserved(String projectId, String secretName, SecretValue value) {
        SecretKey key = key(projectId, secretName);
        Inputs.value(value);
        Instant now = now();
        SecretChange change = rules.createSecret(key, value, now);
        for (int attempt = 1; !apply(change, "create secret"); attempt++) {
            Optional<SecretSnapshot> existing = load(key, "read secret", writer); // fresh: a failed create dropped it
            if (existing.isEmpty()) {
                lostRace(key, attempt); // deleted since: create again
            } else if (expired(existing.get().deletionTime())) {
                purge(existing.get()); // past its recovery window: the name is free
            } else {
                refusePending(existing.get());
                throw new StageException(ErrorCode.SECRET_ALREADY_EXISTS,
                        "secret " + secretName + " already exists in project " + projectId + " (R6)");
            }
        }
        logChange(change);
        publish(StageEvent.Operation.CREATE_SECRET, null, change);
        return new SecretVersion(new VersionMetadata(secretName, "v1", now, DEFAULT_STAGES), value);
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
        observed("deleteSecret", projectId, secretName, () -> {
            deleteSecretUnobserved(projectId, secretName);
            return null;
        });
    }

    private void deleteSecretUnobserved(String projectId, String secretName) {
        SecretKey key = key(projectId, secretName);
        for (int attempt = 1; ; attempt++) {
            SecretSnapshot s = planned(key, snapshot -> snapshot).snapshot();
            boolean deleted;
            try {
                deleted = writer.delete(key, s.revision());
            } catch (RuntimeException e) {
                throw storeFailure("delete secret", key, e);
            }
            if (deleted) {
                LOG.info("secret {}/{}: deleted with {} version(s) and {} stage(s)", key.projectId(),
                        key.secretName(), s.versions().size(), s.stages().size());
                publishDeletion(StageEvent.Operation.DELETE_SECRET, s);
                return;
            }
            lostRace(key, attempt);
        }
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
        return observed("scheduleDeletion", projectId, secretName,
                () -> scheduleDeletionUnobserved(projectId, secretName, recoveryWindowDays));
    }

    private SecretMetadata scheduleDeletionUnobserved(String projectId, String secretName, int recoveryWindowDays) {
        SecretKey key = key(projectId, secretName);
        Inputs.recoveryWindowDays(recoveryWindowDays);
        for (int attempt = 1; ; attempt++) {
            SecretSnapshot s = planned(key, snapshot -> snapshot).snapshot();
            Instant now = now();
            Instant deletion = now.plus(Duration.ofDays(recoveryWindowDays));
            if (setDeletionTime(s, deletion, "schedule deletion")) {
                LOG.info("secret {}/{}: deletion scheduled for {} (revision {})", key.projectId(), key.secretName(),
                        deletion, s.revision() + 1);
                publishLifecycle(StageEvent.Operation.SCHEDULE_DELETION, key, now);
                return metadata(key, s.createTime(), deletion);
            }
            lostRace(key, attempt);
        }
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
        return observed("restoreSecret", projectId, secretName, () -> restoreSecretUnobserved(projectId, secretName));
    }

    private SecretMetadata restoreSecretUnobserved(String projectId, String secretName) {
        SecretKey key = key(projectId, secretName);
        for (int attempt = 1; ; attempt++) {
            SecretSnapshot s = freshForPlanning(key);
            if (!s.deletionScheduled()) {
                return metadata(key, s.createTime(), null);
            }
            if (setDeletionTime(s, null, "restore secret")) {
                LOG.info("secret {}/{}: restored (revision {})", key.projectId(), key.secretName(), s.revision() + 1);
                publishLifecycle(StageEvent.Operation.RESTORE_SECRET, key, now());
                return metadata(key, s.createTime(), null);
            }
            lostRace(key, attempt);
        }
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
        return observed("getSecret", projectId, secretName, () -> getSecretUnobserved(projectId, secretName));
    }

    private SecretMetadata getSecretUnobserved(String projectId, String secretName) {
        SecretKey key = key(projectId, secretName);
        SecretSnapshot s = loadExisting(key);
        return metadata(key, s.createTime(), s.deletionTime());
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
        return observed("listSecrets", projectId, null, () -> listSecretsUnobserved(projectId, marker, limit));
    }

    private SecretPage listSecretsUnobserved(String projectId, String marker, int limit) {
        Inputs.projectId(projectId);
        Inputs.marker(marker);
        Inputs.listLimit(limit);
        Instant now = now();
        List<SecretRecord> rows;
        try {
            rows = repository.listSecrets(projectId, marker, now, limit + 1);
        } catch (RuntimeException e) {
            throw storeFailure("list secrets", new SecretKey(projectId, marker == null ? "*" : marker), e);
        }
        int n = Math.min(limit, rows.size());
        List<SecretMetadata> page = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SecretRecord r = rows.get(i);
            page.add(metadata(r.key(), r.createTime(), r.deletionTime()));
        }
        Optional<String> next = rows.size() > limit ? Optional.of(page.get(n - 1).name()) : Optional.empty();
        return new SecretPage(page, next);
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
        return observed("purgeExpired", null, null, () -> purgeExpiredUnobserved());
    }

    private int purgeExpiredUnobserved() {
        int total = 0;
        while (true) {
            Instant now = now();
            List<SecretRecord> due;
            try {
                due = store.listDeletionsDue(now, PURGE_BATCH);
            } catch (RuntimeException e) {
                throw storeFailure("find secrets due for purging", new SecretKey("*", "*"), e);
            }
            int purged = 0;
            for (SecretRecord r : due) {
                Optional<SecretSnapshot> s = load(r.key(), "read secret", store);
                if (s.isPresent() && expired(s.get().deletionTime()) && purge(s.get())) {
                    purged++;
                }
            }
            total += purged;
            if (purged == 0 || due.size() < PURGE_BATCH) {
                return total;
            }
        }
    }

    private boolean setDeletionTime(SecretSnapshot s, Instant deletionTime, String what) {
        try {
            return writer.setDeletionTime(s.key(), s.revision(), deletionTime);
        } catch (RuntimeException e) {
            throw storeFailure(what, s.key(), e);
        }
    }

    /** R8: the deletion time has come (at that instant the secret is gone). */
    private boolean expired(Instant deletionTime) {
        return deletionTime != null && clock.millis() >= deletionTime.toEpochMilli();
    }

    /** R8, R22: a secret pending deletion refuses every change, after SECRET_NOT_FOUND and before the rest. */
    private static void refusePending(SecretSnapshot s) {
        if (s.deletionScheduled()) {
            throw new StageException(ErrorCode.SECRET_PENDING_DELETION, "secret " + s.key().secretName()
                    + " in project " + s.key().projectId() + " is pending deletion until " + s.deletionTime()
                    + "; restore it first (R8)");
        }
    }

    /**
     * Removes a secret past its deletion time, if it is still at the snapshot's revision.
     *
     * @return whether this call removed it
     */
    private boolean purge(SecretSnapshot s) {
        SecretKey key = s.key();
        boolean deleted;
        try {
            deleted = writer.delete(key, s.revision());
        } catch (RuntimeException e) {
            throw storeFailure("purge secret", key, e);
        }
        if (deleted) {
            LOG.info("secret {}/{}: purged, its deletion time {} has passed (R8)", key.projectId(), key.secretName(),
                    s.deletionTime());
            publishDeletion(StageEvent.Operation.PURGE_SECRET, s);
        }
        return deleted;
    }

    private static SecretMetadata metadata(SecretKey key, Instant createTime, Instant deletionTime) {
        return new SecretMetadata(key.secretName(), deletionTime == null ? SecretState.ENABLED
                : SecretState.PENDING_DELETION, createTime, Optional.ofNullable(deletionTime));
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
        return putVersion(projectId, secretName, value, DEFAULT_STAGES);
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
        return observed("putVersion", projectId, secretName,
                () -> putVersionUnobserved(projectId, secretName, value, stages));
    }

    private SecretVersion putVersionUnobserved(String projectId, String secretName, SecretValue value,
                                               Set<String> stages) {
        return put(projectId, secretName, value, stages, null);
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
     *                        (R8); STAGE_LIMIT_EXCEEDED (R14);
     *                        STORE_FAILURE
     */
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    String clientToken) {
        return observed("putVersion", projectId, secretName,
                () -> putVersionUnobserved(projectId, secretName, value, stages, clientToken));
    }

    private SecretVersion putVersionUnobserved(String projectId, String secretName, SecretValue value,
                                               Set<String> stages,
                                               String clientToken) {
        Inputs.clientToken(clientToken);
        return put(projectId, secretName, value, stages, clientToken);
    }

    private SecretVersion put(String projectId, String secretName, SecretValue value, Set<String> stages,
                              String clientToken) {
        SecretKey key = key(projectId, secretName);
        Inputs.value(value);
        Set<String> stageSet = copyStages(stages);
        if (stageSet.contains(SYSPREVIOUS)) {
            throw new StageException(ErrorCode.BUILT_IN_STAGE, "SYSPREVIOUS is managed by the library (R13)");
        }
        for (int attempt = 1; ; attempt++) {
            Planned<StageRules.Plan<VersionMetadata>> p = planned(key, s -> {
                VersionRecord earlier = clientToken == null ? null : versionWithToken(s, clientToken);
                return earlier != null ? new StageRules.Plan<>(null, metadata(s, earlier))
                        : rules.putVersion(s, value, stageSet, now(), clientToken);
            });
            StageRules.Plan<VersionMetadata> plan = p.plan();
            if (plan.change() == null) {
                return samePut(key, plan.result(), value);
            }
            if (apply(plan.change(), "put version")) {
                logChange(plan.change());
                publish(StageEvent.Operation.PUT_VERSION, p.snapshot(), plan.change());
                return new SecretVersion(plan.result(), value);
            }
            lostRace(key, attempt);
        }
    }

    private static VersionRecord versionWithToken(SecretSnapshot s, String token) {
        for (VersionRecord v : s.versions()) {
            if (token.equals(v.clientToken())) {
                return v;
            }
        }
        return null;
    }

    /** An idempotent put met its token again: the same value returns the earlier version, another is refused. */
    private SecretVersion samePut(SecretKey key, VersionMetadata earlier, SecretValue value) {
        long number = Long.parseLong(earlier.id().substring(1));
        Optional<SecretValue> stored = loadValue(key, number);
        if (stored.isPresent() && !stored.get().equals(value)) {
            throw Inputs.invalid("client token already used for " + earlier.id() + " with another value");
        }
        LOG.debug("secret {}/{}: put repeated with its client token, returning {}", key.projectId(), key.secretName(),
                earlier.id());
        return new SecretVersion(earlier, stored.orElse(value));
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
        return observed("getVersion", projectId, secretName,
                () -> getVersionUnobserved(projectId, secretName, versionIdOrLatest));
    }

    private SecretVersion getVersionUnobserved(String projectId, String secretName, String versionIdOrLatest) {
        SecretKey key = key(projectId, secretName);
        if (Inputs.LATEST.equals(versionIdOrLatest)) {
            return readVersion(key, SYSCURRENT, -1, versionIdOrLatest);
        }
        long number = Inputs.versionId(versionIdOrLatest);
        return readVersion(key, null, number, versionIdOrLatest);
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
        return observed("getVersionByStage", projectId, secretName,
                () -> getVersionByStageUnobserved(projectId, secretName, stageName));
    }

    private SecretVersion getVersionByStageUnobserved(String projectId, String secretName, String stageName) {
        SecretKey key = key(projectId, secretName);
        Inputs.stageName(stageName);
        return readVersion(key, stageName, -1, null);
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
                () -> listVersionsUnobserved(projectId, secretName, includeDeprecated));
    }

    private List<VersionMetadata> listVersionsUnobserved(String projectId, String secretName,
                                                         boolean includeDeprecated) {
        SecretKey key = key(projectId, secretName);
        SecretSnapshot s = loadExisting(key);
        List<VersionMetadata> out = new ArrayList<>(s.versions().size());
        for (VersionRecord v : s.versions()) {
            VersionMetadata m = metadata(s, v);
            if (includeDeprecated || !m.stages().isEmpty()) {
                out.add(m);
            }
        }
        return Collections.unmodifiableList(out);
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
        return observed("getStage", projectId, secretName, () -> getStageUnobserved(projectId, secretName, stageName));
    }

    private Stage getStageUnobserved(String projectId, String secretName, String stageName) {
        Inputs.projectId(projectId);
        Inputs.secretName(secretName);
        Inputs.stageName(stageName);
        StageLookup lookup;
        try {
            lookup = repository.loadStage(projectId, secretName, stageName);
        } catch (RuntimeException e) {
            throw storeFailure("read a stage", new SecretKey(projectId, secretName), e);
        }
        if (!lookup.secretExists()) {
            throw secretNotFound(new SecretKey(projectId, secretName));
        }
        if (expired(lookup.deletionTime())) {
            loadExisting(new SecretKey(projectId, secretName)); // R8: gone; purges it, throws SECRET_NOT_FOUND
            throw secretNotFound(new SecretKey(projectId, secretName));
        }
        if (lookup.stage() == null) {
            throw StageRules.stageNotFound(new SecretKey(projectId, secretName), stageName);
        }
        Stage prepared = lookup.result();
        return prepared != null ? prepared : StageRules.toStage(secretName, lookup.stage());
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
     *                        {@code SYSPREVIOUS} (R13); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION (R8); VERSION_NOT_FOUND;
     *                        STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId) {
        return observed("updateStage", projectId, secretName,
                () -> updateStageUnobserved(projectId, secretName, stageName, versionId));
    }

    private Stage updateStageUnobserved(String projectId, String secretName, String stageName, String versionId) {
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
     * @throws StageException INVALID_PARAMETER; BUILT_IN_STAGE (R13); SECRET_NOT_FOUND;
     *                        SECRET_PENDING_DELETION (R8); VERSION_NOT_FOUND;
     *                        CONFLICT (R20); STAGE_LIMIT_EXCEEDED (R14); STORE_FAILURE
     */
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId,
                             Optional<String> expectedCurrentVersionId) {
        return observed("updateStage", projectId, secretName,
                () -> updateStageUnobserved(projectId, secretName, stageName, versionId, expectedCurrentVersionId));
    }

    private Stage updateStageUnobserved(String projectId, String secretName, String stageName, String versionId,
                                        Optional<String> expectedCurrentVersionId) {
        Inputs.expectedVersionId(expectedCurrentVersionId);
        return update(projectId, secretName, stageName, versionId, expectedCurrentVersionId);
    }

    private Stage update(String projectId, String secretName, String stageName, String versionId,
                         Optional<String> expected) {
        SecretKey key = key(projectId, secretName);
        Inputs.stageName(stageName);
        long number = Inputs.versionId(versionId);
        if (stageName.equals(SYSPREVIOUS)) {
            throw new StageException(ErrorCode.BUILT_IN_STAGE, "SYSPREVIOUS is managed by the library (R13)");
        }
        for (int attempt = 1; ; attempt++) {
            Planned<StageRules.Plan<Stage>> p =
                    planned(key, s -> rules.updateStage(s, stageName, number, versionId, expected, now()));
            StageRules.Plan<Stage> plan = p.plan();
            if (plan.change() == null || apply(plan.change(), "update stage")) {
                if (plan.change() != null) {
                    logChange(plan.change());
                    publish(StageEvent.Operation.UPDATE_STAGE, p.snapshot(), plan.change());
                }
                return plan.result();
            }
            lostRace(key, attempt);
        }
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
        observed("deleteStage", projectId, secretName, () -> {
            deleteStageUnobserved(projectId, secretName, stageName);
            return null;
        });
    }

    private void deleteStageUnobserved(String projectId, String secretName, String stageName) {
        SecretKey key = key(projectId, secretName);
        Inputs.stageName(stageName);
        if (Stages.isBuiltIn(stageName)) {
            throw new StageException(ErrorCode.BUILT_IN_STAGE, stageName + " is a built-in stage and cannot be deleted (R19)");
        }
        for (int attempt = 1; ; attempt++) {
            Planned<SecretChange> p = planned(key, s -> rules.deleteStage(s, stageName));
            SecretChange change = p.plan();
            if (apply(change, "delete stage")) {
                logChange(change);
                publish(StageEvent.Operation.DELETE_STAGE, p.snapshot(), change);
                return;
            }
            lostRace(key, attempt);
        }
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
        return observed("listStages", projectId, secretName, () -> listStagesUnobserved(projectId, secretName));
    }

    private List<Stage> listStagesUnobserved(String projectId, String secretName) {
        SecretKey key = key(projectId, secretName);
        SecretSnapshot s = loadExisting(key);
        List<Stage> out = new ArrayList<>(s.stages().size());
        for (String name : new TreeSet<>(s.stages().keySet())) {
            out.add(StageRules.toStage(secretName, s.stages().get(name)));
        }
        return Collections.unmodifiableList(out);
    }

    // ---------------------------------------------------------------- internals

    /**
     * Runs a public call under the {@link CallObserver}: start before any validation, end exactly once with null or
     * the refusal's code. A failing observer is logged and never changes the call's outcome.
     */
    private <T> T observed(String operation, String projectId, String secretName, java.util.function.Supplier<T> body) {
        if (observer == CallObserver.NONE) {
            return body.get();
        }
        CallObserver.Call call;
        try {
            call = Objects.requireNonNull(observer.start(operation, projectId, secretName), "CallObserver.start");
        } catch (RuntimeException e) {
            LOG.warn("a call observer failed to start {}; the call goes on unobserved", operation, e);
            call = CallObserver.Call.NONE;
        }
        CallObserver.Call outer = currentCall.get(); // a listener may call this manager from inside a call
        currentCall.set(call);
        ErrorCode outcome = ErrorCode.STORE_FAILURE; // anything but a return or a StageException is a failure
        try {
            T result = body.get();
            outcome = null;
            return result;
        } catch (StageException e) {
            outcome = e.code();
            throw e;
        } finally {
            if (outer == null) {
                currentCall.remove();
            } else {
                currentCall.set(outer);
            }
            try {
                call.end(outcome);
            } catch (RuntimeException e) {
                LOG.warn("a call observer failed to end {}; the outcome stands", operation, e);
            }
        }
    }

    private static SecretKey key(String projectId, String secretName) {
        Inputs.projectId(projectId);
        Inputs.secretName(secretName);
        return new SecretKey(projectId, secretName);
    }

    private Set<String> copyStages(Set<String> stages) {
        Inputs.stageSet(stages, maxStages);
        Set<String> copy;
        try {
            copy = new TreeSet<>(stages);
        } catch (NullPointerException | ClassCastException e) {
            throw Inputs.invalid("stages must be a set of stage names (R10)"); // changed while it was read
        }
        Inputs.stageSet(copy, maxStages);
        return Collections.unmodifiableSet(copy);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /**
     * R16: by stage ({@code latest} is the SYSCURRENT holder) or by number. The value is read after the metadata;
     * values never change, so the pair is consistent unless the version was removed in between, which a retry sees.
     */
    private SecretVersion readVersion(SecretKey key, String stage, long number, String versionId) {
        while (true) {
            CachingRepository.Entry cached = cache == null ? null : cachedEntry(key);
            SecretSnapshot s = cache == null ? loadExisting(key)
                    : existing(key, cached == null ? Optional.empty() : Optional.of(cached.snapshot));
            refusePending(s); // R8: values are hidden; R22: before VERSION_NOT_FOUND and STAGE_NOT_FOUND
            VersionRecord v;
            if (stage != null) {
                StageRecord holder = s.stages().get(stage);
                if (holder == null) {
                    throw StageRules.stageNotFound(key, stage);
                }
                v = s.version(holder.versionNumber()).orElseThrow();
            } else {
                v = s.version(number).orElseThrow(() -> new StageException(ErrorCode.VERSION_NOT_FOUND,
                        "secret " + key.secretName() + " has no version " + versionId));
            }
            Optional<SecretValue> value = cached == null ? loadValue(key, v.number()) : cachedValue(cached, key, v);
            if (value.isPresent()) {
                return new SecretVersion(metadata(s, v), value.get());
            }
            LOG.debug("secret {}/{}: {} removed while being read, reading again", key.projectId(),
                    key.secretName(), v.id());
        }
    }

    private static VersionMetadata metadata(SecretSnapshot s, VersionRecord v) {
        return new VersionMetadata(s.key().secretName(), v.id(), v.createTime(), stagesOf(s, v.number()));
    }

    /**
     * The stages a version holds as an immutable set, built without a TreeSet (VersionMetadata keeps an immutable
     * set; this one is taken as it is).
     */
    private static Set<String> stagesOf(SecretSnapshot s, long number) {
        String first = null;
        String second = null;
        List<String> more = null;
        for (StageRecord st : s.stages().values()) {
            if (st.versionNumber() != number) {
                continue;
            }
            if (first == null) {
                first = st.name();
            } else if (second == null) {
                second = st.name();
            } else {
                if (more == null) {
                    more = new ArrayList<>();
                    more.add(first);
                    more.add(second);
                }
                more.add(st.name());
            }
        }
        // built in name order, so that equal sets iterate (and print) alike whatever order the store gave
        if (more != null) {
            Collections.sort(more);
            return Set.copyOf(more);
        }
        if (first == null) {
            return Set.of();
        }
        if (second == null) {
            return Set.of(first);
        }
        return first.compareTo(second) < 0 ? Set.of(first, second) : Set.of(second, first);
    }

    /**
     * Plans a write from the current snapshot. With a cache, a refusal computed from a cached snapshot is confirmed
     * against the store before it stands (a success needs no confirmation: the store's revision check does that).
     */
    private <T> Planned<T> planned(SecretKey key, java.util.function.Function<SecretSnapshot, T> rulePlanner) {
        java.util.function.Function<SecretSnapshot, T> planner = snapshot -> {
            refusePending(snapshot);
            return rulePlanner.apply(snapshot);
        };
        boolean[] fromStore = {planning == null};
        SecretSnapshot s = loadForPlanning(key, fromStore);
        T plan;
        try {
            plan = planner.apply(s);
        } catch (StageException refusal) {
            if (fromStore[0]) {
                throw refusal;
            }
            SecretSnapshot fresh = freshForPlanning(key);
            return new Planned<>(fresh, planner.apply(fresh));
        }
        if (!fromStore[0] && plan instanceof StageRules.Plan<?> p && p.change() == null) {
            // a no-op answer (R18, a repeated client token) from a cached snapshot is confirmed like a refusal
            SecretSnapshot fresh = freshForPlanning(key);
            return new Planned<>(fresh, planner.apply(fresh));
        }
        return new Planned<>(s, plan);
    }

    /** A plan and the snapshot it was computed from. */
    private record Planned<T>(SecretSnapshot snapshot, T plan) {
    }

    // ---------------------------------------------------------------- events

    private void publish(StageEvent.Operation operation, SecretSnapshot before, SecretChange change) {
        if (listeners.isEmpty()) {
            return;
        }
        List<StageEvent.StageMove> moves = new ArrayList<>();
        Instant time = change.newVersion().map(v -> v.createTime()).orElse(null);
        for (StageRecord st : change.attachedStages()) {
            moves.add(new StageEvent.StageMove(st.name(), holderId(before, st.name()),
                    Optional.of(VersionRecord.idOf(st.versionNumber()))));
            time = time == null ? st.updateTime() : time;
        }
        for (String st : new TreeSet<>(change.detachedStages())) {
            moves.add(new StageEvent.StageMove(st, holderId(before, st), Optional.empty()));
        }
        List<String> added = change.newVersion().map(v -> List.of(VersionRecord.idOf(v.number()))).orElse(List.of());
        List<String> evicted = new ArrayList<>();
        new TreeSet<>(change.removedVersions()).forEach(n -> evicted.add(VersionRecord.idOf(n)));
        notifyListeners(new StageEvent(operation, change.key().projectId(), change.key().secretName(), moves, added,
                evicted, time == null ? now() : time));
    }

    private void publishDeletion(StageEvent.Operation operation, SecretSnapshot s) {
        if (listeners.isEmpty()) {
            return;
        }
        List<StageEvent.StageMove> moves = new ArrayList<>();
        for (String st : new TreeSet<>(s.stages().keySet())) {
            moves.add(new StageEvent.StageMove(st, holderId(s, st), Optional.empty()));
        }
        List<String> versions = new ArrayList<>();
        s.versions().forEach(v -> versions.add(v.id()));
        notifyListeners(new StageEvent(operation, s.key().projectId(), s.key().secretName(),
                moves, List.of(), versions, now()));
    }

    private void publishLifecycle(StageEvent.Operation operation, SecretKey key, Instant time) {
        if (!listeners.isEmpty()) {
            notifyListeners(new StageEvent(operation, key.projectId(), key.secretName(), List.of(), List.of(),
                    List.of(), time));
        }
    }

    private static Optional<String> holderId(SecretSnapshot before, String stage) {
        StageRecord r = before == null ? null : before.stages().get(stage);
        return r == null ? Optional.empty() : Optional.of(VersionRecord.idOf(r.versionNumber()));
    }

    private void notifyListeners(StageEvent event) {
        for (StageListener l : listeners) {
            try {
                l.onChange(event);
            } catch (RuntimeException e) {
                LOG.warn("a stage listener failed on {} of {}/{}; the change stands", event.operation(),
                        event.projectId(), event.secretName(), e);
            }
        }
    }

    private SecretSnapshot loadExisting(SecretKey key) {
        return existing(key, load(key, "read secret", repository));
    }

    /** The snapshot a write is planned from, fresh from the store (a refusal or a no-op must stand on it). */
    private SecretSnapshot freshForPlanning(SecretKey key) {
        return loadForPlanning(key, null);
    }

    /**
     * The snapshot a write is planned from: from {@link #planning} if there is one, else from the store.
     *
     * @param fromStore null to read the store, bypassing (and refreshing) any cache; else set to true if the
     *                  snapshot came from the store rather than the cache
     */
    private SecretSnapshot loadForPlanning(SecretKey key, boolean[] fromStore) {
        if (planning == null) {
            return existing(key, load(key, "read secret", store));
        }
        Optional<SecretSnapshot> s;
        try {
            s = fromStore == null ? planning.loadFresh(key) : planning.load(key, fromStore);
        } catch (RuntimeException e) {
            throw storeFailure("read secret", key, e);
        }
        return existing(key, s);
    }

    /** The read cache's entry for a version read: snapshot and values from one cache lookup. */
    private CachingRepository.Entry cachedEntry(SecretKey key) {
        try {
            return cache.entry(key);
        } catch (RuntimeException e) {
            throw storeFailure("read secret", key, e);
        }
    }

    private Optional<SecretValue> cachedValue(CachingRepository.Entry entry, SecretKey key, VersionRecord v) {
        try {
            return cache.value(entry, key, v.number());
        } catch (RuntimeException e) {
            throw storeFailure("read value", key, e);
        }
    }

    private Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        try {
            return repository.loadValue(key, versionNumber);
        } catch (RuntimeException e) {
            throw storeFailure("read value", key, e);
        }
    }

    /**
     * Reads a secret that exists: SECRET_NOT_FOUND if absent or past its deletion time (R8), in which case it is
     * purged on the way (best effort: a failure to purge is logged, the secret is gone for the caller either way).
     */
    private SecretSnapshot existing(SecretKey key, Optional<SecretSnapshot> s) {
        if (s.isEmpty()) {
            throw secretNotFound(key);
        }
        if (expired(s.get().deletionTime())) {
            try {
                purge(s.get());
            } catch (StageException e) {
                LOG.warn("secret {}/{}: past its deletion time, could not be purged now; purgeExpired() will",
                        key.projectId(), key.secretName(), e);
            }
            throw secretNotFound(key);
        }
        return s.get();
    }

    private static Optional<SecretSnapshot> load(SecretKey key, String what, StageRepository from) {
        try {
            return from.load(key);
        } catch (RuntimeException e) {
            throw storeFailure(what, key, e);
        }
    }

    private static StageException secretNotFound(SecretKey key) {
        return new StageException(ErrorCode.SECRET_NOT_FOUND,
                "secret " + key.secretName() + " does not exist in project " + key.projectId());
    }

    private boolean apply(SecretChange change, String what) {
        try {
            return writer.apply(change);
        } catch (RuntimeException e) {
            throw storeFailure(what, change.key(), e);
        }
    }

    private static StageException storeFailure(String what, SecretKey key, RuntimeException e) {
        if (e instanceof StageException) {
            return (StageException) e;
        }
        return new StageException(ErrorCode.STORE_FAILURE,
                "the store failed to " + what + " for secret " + key.secretName() + " in project " + key.projectId(), e);
    }

    private void lostRace(SecretKey key, int attempt) {
        CallObserver.Call call = currentCall.get();
        if (call != null) {
            try {
                call.lostRace();
            } catch (RuntimeException e) {
                LOG.warn("a call observer failed on a lost race; the call goes on", e);
            }
        }
        LOG.debug("secret {}/{}: lost a race to another writer (attempt {}), reading again", key.projectId(),
                key.secretName(), attempt);
        if (attempt % 8 == 0) {
            Thread.yield();
        }
    }

    private static void logChange(SecretChange c) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        c.newVersion().ifPresent(v -> sb.append(c.creates() ? "created with v" : "added v").append(v.number()));
        for (StageRecord st : c.attachedStages()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(st.name()).append(" -> v").append(st.versionNumber());
        }
        for (String st : new TreeSet<>(c.detachedStages())) {
            sb.append(sb.length() == 0 ? "" : ", ").append("detached ").append(st);
        }
        if (!c.removedVersions().isEmpty()) {
            sb.append(", removed deprecated");
            new TreeSet<>(c.removedVersions()).forEach(n -> sb.append(" v").append(n));
        }
        LOG.info("secret {}/{}: {} (revision {})", c.key().projectId(), c.key().secretName(), sb,
                c.expectedRevision() + 1);
    }
}
