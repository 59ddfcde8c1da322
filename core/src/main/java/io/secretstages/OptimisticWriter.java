package io.secretstages;

import io.secretstages.StageRules.Plan;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The optimistic write, the one retry loop of the manager (R21): read a snapshot, plan with the rules, ask the
 * store to apply the plan if the secret is still at the snapshot's revision, and on a lost race back off (with
 * jitter) and plan again from a fresh read, until the call's deadline.
 *
 * <p>Nothing decided on a cached snapshot stands unless the store decides it: a change is applied only at the
 * revision it was planned from; a refusal, a no-op answer, and a secret found past its deletion time (R8) are all
 * confirmed on a fresh read before they are acted on. Store failures arrive wrapped once (by {@link StoreCalls});
 * each lost race is reported to the call's {@link CallObserver.Call}.
 */
final class OptimisticWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);
    /** Backoff after the second lost race in a row: from this, doubling, up to {@link #MAX_PAUSE_NANOS}. */
    private static final long FIRST_PAUSE_NANOS = 20_000;
    private static final long MAX_PAUSE_NANOS = 20_000_000;

    /** Plans one attempt. */
    @FunctionalInterface
    interface Planner<T> {
        /**
         * @param s the secret, never one past its deletion time; empty if absent
         * @param now the time of this attempt
         * @return the plan
         * @throws StageException a refusal
         */
        Plan<T> plan(Optional<SecretSnapshot> s, Instant now);
    }

    /**
     * @param result what the plan answers
     * @param decidedOn the snapshot it was decided on (for a no-op answer, the store's), or null
     * @param changed whether the store applied a change or a deletion
     */
    record Outcome<T>(T result, SecretSnapshot decidedOn, boolean changed) {
    }

    private final StoreCalls store;
    private final Snapshots snapshots;
    private final Purger purger;
    private final ChangeNotifier notifier;
    private final Clock clock;
    private final Duration callTimeout;

    OptimisticWriter(StoreCalls store, Snapshots snapshots, Purger purger, ChangeNotifier notifier, Clock clock,
                     Duration callTimeout) {
        this.store = store;
        this.snapshots = snapshots;
        this.purger = purger;
        this.notifier = notifier;
        this.clock = clock;
        this.callTimeout = callTimeout;
    }

    <T> Outcome<T> write(SecretKey key, StageEvent.Operation operation, CallObserver.Call call, Planner<T> planner) {
        return write(key, operation, call, planner, snapshots.forPlanning(key), false);
    }

    /**
     * A write planned first on the assumption that the secret does not exist (creating it), with no read: if the
     * store refuses the create, the secret exists, and the plan is made again on a fresh read.
     */
    <T> Outcome<T> writeAssumingAbsent(SecretKey key, StageEvent.Operation operation, CallObserver.Call call,
                                       Planner<T> planner) {
        return write(key, operation, call, planner, new Snapshots.ForPlanning(Optional.empty(), false), true);
    }

    private <T> Outcome<T> write(SecretKey key, StageEvent.Operation operation, CallObserver.Call call,
                                 Planner<T> planner, Snapshots.ForPlanning first, boolean assumed) {
        long deadline = System.nanoTime() + callTimeout.toNanos();
        Snapshots.ForPlanning read = first;
        for (int attempt = 1; ; attempt++) {
            Instant now = Instant.ofEpochMilli(clock.millis());
            Optional<SecretSnapshot> s = read.snapshot();
            if (s.isPresent() && StageRules.expired(s.get().deletionTime(), now)) {
                if (!read.fresh()) {
                    read = snapshots.fresh(key); // R8: only the store says that a secret is gone
                    continue;
                }
                if (!purger.purge(s.get())) {
                    read = lostRace(key, call, attempt, deadline, operation);
                    continue;
                }
                s = Optional.empty();
            }
            Plan<T> plan;
            try {
                plan = planner.plan(s, now);
            } catch (StageException refusal) {
                if (read.fresh()) {
                    throw refusal;
                }
                read = snapshots.fresh(key);
                continue;
            }
            if (plan.changesNothing()) {
                if (read.fresh()) {
                    return new Outcome<>(plan.result(), s.orElse(null), false);
                }
                read = snapshots.fresh(key);
                continue;
            }
            if (carryOut(plan, operation)) {
                return new Outcome<>(plan.result(), s.orElse(null), true);
            }
            if (assumed) { // not a race: the assumption was wrong
                assumed = false;
                read = snapshots.fresh(key);
                continue;
            }
            read = lostRace(key, call, attempt, deadline, operation);
        }
    }

    /** @return whether the store applied the plan; false: a lost race */
    private boolean carryOut(Plan<?> plan, StageEvent.Operation operation) {
        if (plan.deletes() != null) {
            return purger.remove(plan.deletes(), operation);
        }
        SecretChange change = plan.change();
        OptionalLong revision;
        try {
            revision = store.apply(change, verb(operation));
        } catch (StageException e) {
            snapshots.forget(change.key());
            throw e;
        }
        if (revision.isEmpty()) {
            return false;
        }
        snapshots.committed(change, revision.getAsLong());
        notifier.changed(operation, change, revision.getAsLong());
        return true;
    }

    /** R21: another writer won; pause (with jitter, within the deadline) and read the store again. */
    private Snapshots.ForPlanning lostRace(SecretKey key, CallObserver.Call call, int attempt, long deadline,
                                           StageEvent.Operation operation) {
        snapshots.forget(key);
        call.lostRace();
        LOG.debug("secret {}/{}: lost a race to another writer (attempt {}), reading again", key.projectId(),
                key.secretName(), attempt);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw StoreCalls.deadlinePassed(verb(operation), key, callTimeout);
        }
        if (attempt > 1) {
            long cap = Math.min(MAX_PAUSE_NANOS, FIRST_PAUSE_NANOS << Math.min(attempt - 2, 10));
            LockSupport.parkNanos(Math.min(left, ThreadLocalRandom.current().nextLong(cap / 2, cap + 1)));
            if (deadline - System.nanoTime() <= 0) {
                throw StoreCalls.deadlinePassed(verb(operation), key, callTimeout);
            }
        }
        return snapshots.fresh(key);
    }

    private static String verb(StageEvent.Operation operation) {
        return operation.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
