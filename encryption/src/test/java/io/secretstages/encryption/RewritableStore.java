package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
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

/**
 * A store with the revision-guarded value rewrite of the redesigned SPI ({@link ValueRewriting}), which today's
 * stores lack: the reference semantics ({@link SecretSnapshot#apply}) over a map, one lock. Its rewrite can be made
 * to fail once at a chosen call, as a crash in the middle of a re-wrap. Test code.
 */
final class RewritableStore implements StageRepository, ValueRewriting {
    private record Entry(SecretSnapshot snapshot, Map<Long, SecretValue> values) {
    }

    private final Map<SecretKey, Entry> secrets = new HashMap<>();
    private final AtomicInteger rewrites = new AtomicInteger();
    private volatile int failRewriteNumber = -1;

    /** @param n the rewrite call (1-based, counted from now) that fails with a {@link StoreException} */
    void failRewrite(int n) {
        rewrites.set(0);
        failRewriteNumber = n;
    }

    /** @return the rewrite calls made since {@link #failRewrite} or creation */
    int rewrites() {
        return rewrites.get();
    }

    @Override
    public synchronized Optional<SecretSnapshot> load(SecretKey key) {
        Entry e = secrets.get(key);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    @Override
    public synchronized Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        Entry e = secrets.get(key);
        return e == null ? Optional.empty() : Optional.ofNullable(e.values.get(versionNumber));
    }

    @Override
    public synchronized boolean apply(SecretChange change) {
        Entry e = secrets.get(change.key());
        SecretSnapshot next;
        if (change.creates()) {
            if (e != null) {
                return false;
            }
            next = SecretSnapshot.created(change);
        } else {
            if (e == null || e.snapshot.revision() != change.expectedRevision()) {
                return false;
            }
            next = e.snapshot.apply(change);
        }
        Map<Long, SecretValue> values = e == null ? new HashMap<>() : new HashMap<>(e.values);
        change.newVersion().ifPresent((NewVersion v) -> values.put(v.number(), v.value()));
        values.keySet().removeAll(change.removedVersions());
        secrets.put(change.key(), new Entry(next, values));
        return true;
    }

    @Override
    public synchronized boolean delete(SecretKey key, long expectedRevision) {
        Entry e = secrets.get(key);
        if (e == null || e.snapshot.revision() != expectedRevision) {
            return false;
        }
        secrets.remove(key);
        return true;
    }

    @Override
    public synchronized boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime) {
        Entry e = secrets.get(key);
        if (e == null || e.snapshot.revision() != expectedRevision) {
            return false;
        }
        secrets.put(key, new Entry(e.snapshot.withDeletionTime(deletionTime), e.values));
        return true;
    }

    @Override
    public synchronized List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt,
                                                       int limit) {
        return secrets.values().stream().map(e -> e.snapshot.record())
                .filter(r -> r.key().projectId().equals(projectId))
                .filter(r -> afterName == null || r.key().secretName().compareTo(afterName) > 0)
                .filter(r -> r.deletionTime() == null || r.deletionTime().isAfter(activeAt))
                .sorted(Comparator.comparing(r -> r.key().secretName()))
                .limit(limit).toList();
    }

    @Override
    public synchronized List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        return secrets.values().stream().map(e -> e.snapshot.record())
                .filter(r -> r.deletionTime() != null && !r.deletionTime().isAfter(asOf))
                .limit(limit).toList();
    }

    @Override
    public synchronized OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        if (rewrites.incrementAndGet() == failRewriteNumber) {
            throw new StoreException("injected failure of a rewrite");
        }
        Entry e = secrets.get(base.key());
        if (e == null || e.snapshot.revision() != base.revision() || !e.values.keySet().containsAll(values.keySet())) {
            return OptionalLong.empty();
        }
        SecretSnapshot s = e.snapshot;
        SecretSnapshot next = new SecretSnapshot(s.key(), s.revision() + 1, s.lastVersionNumber(), s.versions(),
                s.stages(), s.createTime(), s.deletionTime());
        Map<Long, SecretValue> newValues = new HashMap<>(e.values);
        newValues.putAll(values);
        secrets.put(base.key(), new Entry(next, newValues));
        return OptionalLong.of(next.revision());
    }

    /** @return every stored value, in no order */
    synchronized List<SecretValue> storedValues() {
        List<SecretValue> all = new ArrayList<>();
        secrets.values().forEach(e -> all.addAll(e.values.values()));
        return all;
    }
}
