package io.secretstages;

import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The smallest obviously correct store, for core's own tests: one lock, one map of snapshots and one of values,
 * revisions counted. Test knobs: count the calls, make reads yield half-way (to overlap cache reloads with
 * writes), make writes lose their race, fail writes (clean or ambiguous), or change the store before a value read.
 */
final class MapStore implements StageRepository {
    private final Map<SecretKey, SecretSnapshot> snapshots = new HashMap<>();
    private final Map<SecretKey, Map<Long, SecretValue>> values = new HashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean yieldingReads;
    /** How many more writes lose their race whatever the revision. */
    final AtomicInteger racesToLose = new AtomicInteger();
    /** Null: writes work; else thrown by every write (after applying it if ambiguous). */
    volatile StoreException writeFailure;
    /** Null, or run once before the next value read (to change the store between a snapshot read and a value read). */
    volatile Runnable beforeNextValueRead;

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        loads.incrementAndGet();
        Optional<SecretSnapshot> s;
        synchronized (this) {
            s = Optional.ofNullable(snapshots.get(key));
        }
        if (yieldingReads) {
            Thread.yield();
        }
        return s;
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        Runnable before = beforeNextValueRead;
        beforeNextValueRead = null;
        if (before != null) {
            before.run();
        }
        synchronized (this) {
            Map<Long, SecretValue> v = values.get(snapshot.key());
            return v == null ? Optional.empty() : Optional.ofNullable(v.get(versionNumber));
        }
    }

    @Override
    public synchronized OptionalLong apply(SecretChange change) {
        writes.incrementAndGet();
        SecretSnapshot current = snapshots.get(change.key());
        boolean holds = change.creates() ? current == null
                : current != null && current.revision() == change.expectedRevision();
        if (!holds || loseARace()) {
            failIfAsked(false);
            return OptionalLong.empty();
        }
        failIfAsked(false);
        long revision = change.creates() ? 1 : current.revision() + 1;
        snapshots.put(change.key(), change.result().withRevision(revision));
        Map<Long, SecretValue> v = values.computeIfAbsent(change.key(), k -> new HashMap<>());
        v.keySet().removeAll(change.removedVersions());
        change.newVersion().ifPresent(n -> v.put(n.number(), n.value()));
        failIfAsked(true);
        return OptionalLong.of(revision);
    }

    private boolean loseARace() {
        return racesToLose.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** @param applied whether the write was applied: an ambiguous failure is thrown after, a clean one before */
    private void failIfAsked(boolean applied) {
        StoreException e = writeFailure;
        if (e != null && e.ambiguous() == applied) {
            throw e;
        }
    }

    @Override
    public synchronized boolean delete(SecretSnapshot base) {
        writes.incrementAndGet();
        SecretSnapshot current = snapshots.get(base.key());
        if (current == null || current.revision() != base.revision() || loseARace()) {
            return false;
        }
        snapshots.remove(base.key());
        values.remove(base.key());
        return true;
    }

    @Override
    public synchronized OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> newValues) {
        SecretSnapshot current = snapshots.get(base.key());
        if (current == null || current.revision() != base.revision()) {
            return OptionalLong.empty();
        }
        values.get(base.key()).putAll(newValues);
        snapshots.put(base.key(), current.withRevision(current.revision() + 1));
        return OptionalLong.of(current.revision() + 1);
    }

    @Override
    public synchronized List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt,
                                                       int limit) {
        List<SecretRecord> out = new ArrayList<>();
        snapshots.values().stream()
                .filter(s -> s.key().projectId().equals(projectId))
                .filter(s -> afterName == null || s.key().secretName().compareTo(afterName) > 0)
                .filter(s -> s.deletionTime() == null || s.deletionTime().isAfter(activeAt))
                .sorted(Comparator.comparing(s -> s.key().secretName()))
                .limit(limit)
                .forEach(s -> out.add(s.record()));
        return out;
    }

    @Override
    public synchronized List<String> listProjects(String afterProjectId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return snapshots.keySet().stream().map(SecretKey::projectId)
                .filter(p -> afterProjectId == null || p.compareTo(afterProjectId) > 0)
                .distinct().sorted().limit(limit).collect(Collectors.toList());
    }

    @Override
    public synchronized List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        List<SecretRecord> out = new ArrayList<>();
        snapshots.values().stream()
                .filter(s -> s.deletionTime() != null && !s.deletionTime().isAfter(asOf))
                .limit(limit)
                .forEach(s -> out.add(s.record()));
        return out;
    }
}
