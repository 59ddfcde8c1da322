package io.secretstages.store.memory;

import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A {@link StageRepository} in this JVM's heap: the embedded default and a fast, faithful fake for tests.
 *
 * <p>Each secret is one immutable entry (its {@link SecretSnapshot} and its values) in a {@link ConcurrentHashMap}.
 * Reads take no lock and copy nothing. A write builds the next entry and installs it with a compare-and-set on the
 * entry it was computed from, so writes are atomic per secret, lost races are reported as {@code false}, and writes
 * to different secrets never wait for each other. Values and snapshots are immutable, so nothing is copied in or
 * out. Nothing is persisted: the state lives as long as the instance.
 *
 * <p>Listing a project's secrets walks a sorted index of names, a skip list kept beside the map and changed only
 * under the map's lock for that key (creates and deletes), so both agree. Finding secrets due for purging (R8) scans
 * every secret.
 */
public final class InMemoryStageRepository implements StageRepository {

    /** One secret at one revision. Identity equality makes {@link ConcurrentHashMap#replace} a compare-and-set. */
    private static final class Entry {
        final SecretSnapshot snapshot;
        final Map<Long, SecretValue> values;

        Entry(SecretSnapshot snapshot, Map<Long, SecretValue> values) {
            this.snapshot = snapshot;
            this.values = values;
        }
    }

    private static final Comparator<SecretKey> BY_NAME =
            Comparator.comparing(SecretKey::projectId).thenComparing(SecretKey::secretName);

    private final ConcurrentHashMap<SecretKey, Entry> secrets = new ConcurrentHashMap<>();
    /** The keys of {@link #secrets}, sorted, for listing. */
    private final ConcurrentSkipListSet<SecretKey> names = new ConcurrentSkipListSet<>(BY_NAME);

    /** Creates an empty store. */
    public InMemoryStageRepository() {
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        Entry e = secrets.get(key);
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        Entry e = secrets.get(key);
        return e == null ? StageLookup.SECRET_NOT_FOUND
                : StageLookup.of(e.snapshot.stages().get(stageName), e.snapshot.deletionTime());
    }

    @Override
    public Optional<SecretValue> loadValue(SecretKey key, long versionNumber) {
        Entry e = secrets.get(key);
        return e == null ? Optional.empty() : Optional.ofNullable(e.values.get(versionNumber));
    }

    @Override
    public boolean apply(SecretChange change) {
        if (change.creates()) {
            NewVersion first = change.newVersion().orElseThrow();
            Entry created = new Entry(SecretSnapshot.created(change), Map.of(first.number(), first.value()));
            boolean[] done = {false};
            secrets.compute(change.key(), (k, old) -> {
                if (old != null) {
                    return old;
                }
                names.add(k); // under the key's lock, as the removal in delete
                done[0] = true;
                return created;
            });
            return done[0];
        }
        Entry current = secrets.get(change.key());
        if (current == null || current.snapshot.revision() != change.expectedRevision()) {
            return false;
        }
        Map<Long, SecretValue> values = current.values;
        if (change.newVersion().isPresent() || !change.removedVersions().isEmpty()) {
            Map<Long, SecretValue> next = new HashMap<>(values);
            next.keySet().removeAll(change.removedVersions());
            change.newVersion().ifPresent(v -> next.put(v.number(), v.value()));
            values = Map.copyOf(next);
        }
        return secrets.replace(change.key(), current, new Entry(current.snapshot.apply(change), values));
    }

    @Override
    public boolean delete(SecretKey key, long expectedRevision) {
        Entry current = secrets.get(key);
        if (current == null || current.snapshot.revision() != expectedRevision) {
            return false;
        }
        boolean[] done = {false};
        secrets.computeIfPresent(key, (k, old) -> {
            if (old != current) {
                return old;
            }
            names.remove(k);
            done[0] = true;
            return null;
        });
        return done[0];
    }

    @Override
    public boolean setDeletionTime(SecretKey key, long expectedRevision, Instant deletionTime) {
        Entry current = secrets.get(key);
        if (current == null || current.snapshot.revision() != expectedRevision) {
            return false;
        }
        return secrets.replace(key, current, new Entry(current.snapshot.withDeletionTime(deletionTime),
                current.values));
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        SecretKey from = new SecretKey(projectId, afterName == null ? "" : afterName);
        List<SecretRecord> out = new ArrayList<>(Math.min(limit, 64));
        for (SecretKey k : names.tailSet(from, false)) {
            if (!k.projectId().equals(projectId) || out.size() == limit) {
                break;
            }
            Entry e = secrets.get(k);
            if (e != null) {
                SecretSnapshot s = e.snapshot;
                if (s.deletionTime() == null || s.deletionTime().isAfter(activeAt)) {
                    out.add(s.record());
                }
            }
        }
        return out;
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        List<SecretRecord> out = new ArrayList<>();
        for (Entry e : secrets.values()) {
            Instant t = e.snapshot.deletionTime();
            if (t != null && !t.isAfter(asOf)) {
                out.add(e.snapshot.record());
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** @return the number of secrets held, across all projects */
    public int size() {
        return secrets.size();
    }

    @Override
    public String toString() {
        return "InMemoryStageRepository[" + secrets.size() + " secrets]";
    }
}
