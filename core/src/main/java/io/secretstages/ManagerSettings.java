package io.secretstages;

import io.secretstages.spi.StageRepository;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link StageManager.Builder} collects: the defaults, the checks of each setting, and the checks across
 * settings made at {@link #validated()}. Immutable; each {@code with} method returns a copy.
 *
 * @param repository the store; null until set (required)
 * @param clock the time of every change (R17)
 * @param maxStages R14's limit, built-ins included
 * @param maxVersions R15's limit; exceeds {@code maxStages}
 * @param cache the read cache, or null for none
 * @param writeCacheSize the write cache's size (used without a read cache); 0: none
 * @param listeners the listeners of committed changes
 * @param observer the observer of every call
 * @param callTimeout every call's deadline, retries included (R21)
 */
record ManagerSettings(StageRepository repository, Clock clock, int maxStages, int maxVersions, CacheSettings cache,
                       long writeCacheSize, List<StageListener> listeners, CallObserver observer,
                       Duration callTimeout) {
    static final ManagerSettings DEFAULTS = new ManagerSettings(null, Clock.systemUTC(), 12, 20, null, 10_000,
            List.of(), CallObserver.NONE, Duration.ofSeconds(30));

    ManagerSettings withRepository(StageRepository repository) {
        return new ManagerSettings(Objects.requireNonNull(repository, "repository"), clock, maxStages, maxVersions,
                cache, writeCacheSize, listeners, observer, callTimeout);
    }

    ManagerSettings withClock(Clock clock) {
        return new ManagerSettings(repository, Objects.requireNonNull(clock, "clock"), maxStages, maxVersions, cache,
                writeCacheSize, listeners, observer, callTimeout);
    }

    ManagerSettings withLimits(int maxStages, int maxVersions) {
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, writeCacheSize, listeners,
                observer, callTimeout);
    }

    ManagerSettings withCache(CacheSettings cache) {
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, writeCacheSize, listeners,
                observer, callTimeout);
    }

    ManagerSettings withWriteCacheSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("writeCacheSize must not be negative");
        }
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, size, listeners, observer,
                callTimeout);
    }

    ManagerSettings withListener(StageListener listener) {
        List<StageListener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener, "listener"));
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, writeCacheSize, List.copyOf(more),
                observer, callTimeout);
    }

    ManagerSettings withObserver(CallObserver observer) {
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, writeCacheSize, listeners,
                Objects.requireNonNull(observer, "observer"), callTimeout);
    }

    ManagerSettings withCallTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        return new ManagerSettings(repository, clock, maxStages, maxVersions, cache, writeCacheSize, listeners,
                observer, timeout);
    }

    /**
     * @return these settings, checked across each other
     * @throws IllegalStateException without a repository
     * @throws IllegalArgumentException if {@code maxStages < 2} or {@code maxVersions <= maxStages} (R15)
     */
    ManagerSettings validated() {
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
        return this;
    }
}
