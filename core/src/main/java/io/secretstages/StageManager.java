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
 * Secret versions and their stages, with the rules R1-R24 of docs/rules.md over any {@link StageRepository}: the
 * {@link StageOperations} (whose javadoc documents each method, its refusals and its atomicity) of an embedded
 * program, of a fake in tests, or of a server. Each method validates its arguments, delegates to the rules and the
 * optimistic writer or the reader, and returns; the classes behind it and where a call goes are drawn in
 * docs/architecture.md.
 *
 * <p><b>Writes (R21).</b> A write reads the secret, plans the change with the rules, and is applied only if the
 * secret is still at the revision it read; a writer that lost a race backs off with jitter and plans again. Every
 * call has a deadline ({@link Builder#callTimeout}, retries included). Deletion times are read on the injected clock.
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
public final class StageManager implements StageOperations {
    private static final Set<String> DEFAULT_STAGES = Set.of(SYSCURRENT);

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

    @Override
    public int maxStages() {
        return settings.maxStages();
    }

    @Override
    public int maxVersions() {
        return settings.maxVersions();
    }

    /** @return the read cache's counters if {@link CacheSettings#recordStatistics() recorded}; else empty */
    public Optional<CacheStatistics> cacheStatistics() {
        return Optional.ofNullable(parts.snapshots().statistics());
    }

    @Override
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value) {
        return createSecret(projectId, secretName, value, "");
    }

    @Override
    public SecretVersion createSecret(String projectId, String secretName, SecretValue value, String description) {
        return calls.onSecret("createSecret", projectId, secretName, (call, key) -> {
            Inputs.value(value);
            Inputs.description(description);
            return writer.writeAssumingAbsent(key, Operation.CREATE_SECRET, call,
                    (s, now) -> rules.createSecret(key, s, value, description, now)).result();
        });
    }

    @Override
    public SecretMetadata updateDescription(String projectId, String secretName, String description) {
        return calls.onSecret("updateDescription", projectId, secretName, (call, key) -> {
            Inputs.description(description);
            return writer.write(key, Operation.UPDATE_DESCRIPTION, call,
                    (s, now) -> rules.updateDescription(key, s, description)).result();
        });
    }

    @Override
    public void deleteSecret(String projectId, String secretName) {
        calls.onSecret("deleteSecret", projectId, secretName, (call, key) -> writer.write(key,
                Operation.DELETE_SECRET, call, (s, now) -> rules.deleteSecret(key, s)).result());
    }

    @Override
    public SecretMetadata scheduleDeletion(String projectId, String secretName) {
        return scheduleDeletion(projectId, secretName, MAX_RECOVERY_WINDOW_DAYS);
    }

    @Override
    public SecretMetadata scheduleDeletion(String projectId, String secretName, int recoveryWindowDays) {
        return calls.onSecret("scheduleDeletion", projectId, secretName, (call, key) -> {
            Inputs.recoveryWindowDays(recoveryWindowDays, MIN_RECOVERY_WINDOW_DAYS, MAX_RECOVERY_WINDOW_DAYS);
            return writer.write(key, Operation.SCHEDULE_DELETION, call,
                    (s, now) -> rules.scheduleDeletion(key, s, recoveryWindowDays, now)).result();
        });
    }

    @Override
    public SecretMetadata restoreSecret(String projectId, String secretName) {
        return calls.onSecret("restoreSecret", projectId, secretName, (call, key) -> writer.write(key,
                Operation.RESTORE_SECRET, call, (s, now) -> rules.restoreSecret(key, s)).result());
    }

    @Override
    public SecretMetadata getSecret(String projectId, String secretName) {
        return calls.onSecret("getSecret", projectId, secretName, (call, key) -> Views.secret(reader.existing(key)));
    }

    @Override
    public SecretPage listSecrets(String projectId) {
        return listSecrets(projectId, null, DEFAULT_LIST_LIMIT);
    }

    @Override
    public SecretPage listSecrets(String projectId, String marker, int limit) {
        return calls.run("listSecrets", projectId, null, call -> {
            Inputs.projectId(projectId);
            Inputs.marker(marker);
            Inputs.listLimit(limit, MAX_LIST_LIMIT);
            return reader.secrets(projectId, marker, limit);
        });
    }

    @Override
    public int purgeExpired() {
        return calls.run("purgeExpired", null, null, call -> parts.purger().purgeExpired());
    }

    @Override
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value) {
        return put(projectId, secretName, value, DEFAULT_STAGES, Optional.empty(), Optional.empty());
    }

    @Override
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages) {
        return put(projectId, secretName, value, stages, Optional.empty(), Optional.empty());
    }

    @Override
    public SecretVersion putVersion(String projectId, String secretName, SecretValue value, Set<String> stages,
                                    String clientToken) {
        // a null token is malformed here, not "no token"
        return put(projectId, secretName, value, stages, clientToken == null ? null : Optional.of(clientToken),
                Optional.empty());
    }

    @Override
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

    @Override
    public VersionMetadata updateVersionExpiry(String projectId, String secretName, String versionId,
                                               Optional<Instant> expireTime) {
        return calls.onSecret("updateVersionExpiry", projectId, secretName, (call, key) -> {
            long number = Inputs.versionId(versionId);
            Instant time = Inputs.expireTime(expireTime);
            return writer.write(key, Operation.UPDATE_VERSION, call,
                    (s, now) -> rules.updateVersionExpiry(key, s, number, versionId, time)).result();
        });
    }

    @Override
    public SecretVersion getVersion(String projectId, String secretName, String versionIdOrLatest) {
        return calls.onSecret("getVersion", projectId, secretName, (call, key) ->
                Inputs.LATEST.equals(versionIdOrLatest)
                        ? reader.version(key, SYSCURRENT, -1, versionIdOrLatest)
                        : reader.version(key, null, Inputs.versionId(versionIdOrLatest), versionIdOrLatest));
    }

    @Override
    public SecretVersion getVersionByStage(String projectId, String secretName, String stageName) {
        return calls.onSecret("getVersionByStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            return reader.version(key, stageName, -1, null);
        });
    }

    @Override
    public List<VersionMetadata> listVersions(String projectId, String secretName) {
        return listVersions(projectId, secretName, true);
    }

    @Override
    public List<VersionMetadata> listVersions(String projectId, String secretName, boolean includeDeprecated) {
        return calls.onSecret("listVersions", projectId, secretName,
                (call, key) -> reader.versions(key, includeDeprecated));
    }

    @Override
    public Stage getStage(String projectId, String secretName, String stageName) {
        return calls.onSecret("getStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            return reader.stage(key, stageName);
        });
    }

    @Override
    public Stage updateStage(String projectId, String secretName, String stageName, String versionId) {
        return update(projectId, secretName, stageName, versionId, false, null);
    }

    @Override
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

    @Override
    public void deleteStage(String projectId, String secretName, String stageName) {
        calls.onSecret("deleteStage", projectId, secretName, (call, key) -> {
            Inputs.stageName(stageName);
            StageRules.refuseBuiltInInDelete(stageName);
            return writer.write(key, Operation.DELETE_STAGE, call, (s, now) -> rules.deleteStage(key, s, stageName))
                    .result();
        });
    }

    @Override
    public List<Stage> listStages(String projectId, String secretName) {
        return calls.onSecret("listStages", projectId, secretName, (call, key) -> reader.stages(key));
    }
}
