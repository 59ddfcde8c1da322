package io.secretstages.store.memory;

import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.StageRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A {@link StageRepository} in this JVM's heap: the embedded default and a fast, faithful fake for tests.
 *
 * <p>Each secret is one immutable entry (its {@link SecretSnapshot} and its values) in a {@link ConcurrentHashMap}
 * per project. Reads take no lock, allocate nothing and copy nothing. A write builds the next entry and installs it
 * with a compare-and-set on the entry it was computed from, so writes are atomic per secret, lost races are reported
 * as {@code false}, and writes to different secrets never wait for each other. Values and snapshots are immutable,
 * so nothing is copied in or out. Nothing is persisted: the state lives as long as the instance.
 *
 * <p>Revisions are counted per secret ({@code SecretSnapshot.firstRevision} on create, one more per change).
 * Listing a project's secrets walks a sorted index of its names, a skip list kept beside the map and changed
 * only under the map's lock for that name (creates and deletes), so both agree. Finding secrets due for purging (R8)
 * scans every secret. A project's (small, empty) maps stay once the project was written to; listing projects walks
 * their sorted ids and leaves out those holding no secret.
 */
public final class InMemoryStageRepository implements StageRepository {

    /**
     * One secret at one revision. Identity equality makes {@link ConcurrentHashMap#replace} a compare-and-set. The
     * answers to {@code loadStage} are prepared once per revision, on the first stage read, in a flat array that a
     * read scans (a secret holds at most a dozen stages), so that reading a stage allocates nothing; writes that
     * nobody reads in between prepare nothing.
     */
    private static final class Entry {
        final SecretSnapshot snapshot;
        final Map<Long, SecretValue> values;
        /** Stage names and their prepared lookups, alternating, then the lookup of a stage no version holds. */
        private volatile Object[] lookups;

        Entry(SecretSnapshot snapshot, Map<Long, SecretValue> values) {
            this.snapshot = snapshot;
            this.values = values;
        }

        StageLookup lookup(String stageName) {
            Object[] t = lookups;
            if (t == null) { // immutable once built: a race builds it twice, harmlessly
                t = new Object[2 * snapshot.stages().size() + 1];
                int i = 0;
                for (StageRecord r : snapshot.stages().values()) {
                    t[i++] = r.name();
                    t[i++] = new StageLookup(true, r, snapshot.deletionTime());
                }
                t[i] = StageLookup.in(snapshot, "");
                lookups = t;
            }
            int last = t.length - 1;
            for (int i = 0; i < last; i += 2) {
                if (t[i].equals(stageName)) {
                    return (StageLookup) t[i + 1];
                }
            }
            return (StageLookup) t[last];
        }
    }

    /** One project's secrets by name, and their names in order. */
    private static final class Project {
        final String id;
        final ConcurrentHashMap<String, Entry> secrets = new ConcurrentHashMap<>();
        final ConcurrentSkipListSet<String> names = new ConcurrentSkipListSet<>();

        Project(String id) {
            this.id = id;
        }
    }

    private final ConcurrentHashMap<String, Project> projects = new ConcurrentHashMap<>();
    /** The ids of {@link #projects}, sorted, for {@link #listProjects}; added with the project, never removed. */
    private final ConcurrentSkipListSet<String> projectIds = new ConcurrentSkipListSet<>();
    /**
     * The first project written to, found without a map lookup: most programs use one project. Set once (a race
     * between two first projects leaves either, both are in {@link #projects}); projects are never removed.
     */
    private volatile Project firstProject;

    /** The project's maps, or null if no secret was ever created in it. */
    private Project project(String projectId) {
        Project f = firstProject;
        if (f != null && (f.id == projectId || f.id.equals(projectId))) {
            return f;
        }
        return projects.get(projectId);
    }

    /** Creates an empty store. */
    public InMemoryStageRepository() {
    }

    /** The secret's entry if it is at {@code expectedRevision}, else null (absent, or another writer won). */
    private static Entry at(Project p, String secretName, long expectedRevision) {
        Entry e = p == null ? null : p.secrets.get(secretName);
        return e != null && e.snapshot.revision() == expectedRevision ? e : null;
    }

    private Entry entry(String projectId, String secretName) {
        Project p = project(projectId);
        return p == null ? null : p.secrets.get(secretName);
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        Entry e = entry(key.projectId(), key.secretName());
        return e == null ? Optional.empty() : Optional.of(e.snapshot);
    }

    @Override
    public StageLookup loadStage(SecretKey key, String stageName) {
        Entry e = entry(key.projectId(), key.secretName());
        return e == null ? StageLookup.SECRET_NOT_FOUND : e.lookup(stageName);
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        Entry e = entry(snapshot.key().projectId(), snapshot.key().secretName());
        // a secret created again since the snapshot is another secret: its versions' values are not the snapshot's
        return e == null || !e.snapshot.createTime().equals(snapshot.createTime()) ? Optional.empty()
                : Optional.ofNullable(e.values.get(versionNumber));
    }

    /**
     * Revisions are counted: {@link SecretSnapshot#firstRevision} on create, +1 per change (as
     * {@link SecretChange#result()} proposes), so a secret created again never meets a revision its predecessor had.
     */
    @Override
    public OptionalLong apply(SecretChange change) {
        SecretKey key = change.key();
        if (change.creates()) {
            NewVersion first = change.newVersion().orElseThrow();
            long revision = change.result().revision(); // SecretSnapshot.firstRevision of its creation time
            Entry created = new Entry(change.result(), Map.of(first.number(), first.value()));
            Project p = projects.computeIfAbsent(key.projectId(), k -> {
                Project made = new Project(k);
                projectIds.add(k);
                if (firstProject == null) {
                    firstProject = made;
                }
                return made;
            });
            boolean[] done = {false};
            p.secrets.compute(key.secretName(), (k, old) -> {
                if (old != null) {
                    return old;
                }
                p.names.add(k); // under the name's lock, as the removal in delete
                done[0] = true;
                return created;
            });
            return done[0] ? OptionalLong.of(revision) : OptionalLong.empty();
        }
        Project p = project(key.projectId());
        Entry current = at(p, key.secretName(), change.expectedRevision());
        if (current == null) {
            return OptionalLong.empty();
        }
        Map<Long, SecretValue> values = current.values;
        if (change.newVersion().isPresent() || !change.removedVersions().isEmpty()) {
            Map<Long, SecretValue> next = new HashMap<>(values);
            next.keySet().removeAll(change.removedVersions());
            change.newVersion().ifPresent(v -> next.put(v.number(), v.value()));
            values = Map.copyOf(next);
        }
        long revision = current.snapshot.revision() + 1;
        return p.secrets.replace(key.secretName(), current, new Entry(change.result().withRevision(revision), values))
                ? OptionalLong.of(revision) : OptionalLong.empty();
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        SecretKey key = base.key();
        Project p = project(key.projectId());
        Entry current = at(p, key.secretName(), base.revision());
        if (current == null) {
            return false;
        }
        boolean[] done = {false};
        p.secrets.computeIfPresent(key.secretName(), (k, old) -> {
            if (old != current) {
                return old;
            }
            p.names.remove(k);
            done[0] = true;
            return null;
        });
        return done[0];
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        base.checkRewrite(values);
        SecretKey key = base.key();
        Project p = project(key.projectId());
        Entry current = at(p, key.secretName(), base.revision());
        if (current == null || !current.values.keySet().containsAll(values.keySet())) {
            return OptionalLong.empty();
        }
        Map<Long, SecretValue> next = new HashMap<>(current.values);
        next.putAll(values);
        long revision = current.snapshot.revision() + 1;
        return p.secrets.replace(key.secretName(), current,
                new Entry(current.snapshot.withRevision(revision), Map.copyOf(next)))
                ? OptionalLong.of(revision) : OptionalLong.empty();
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        Project p = project(projectId);
        List<SecretRecord> out = new ArrayList<>(Math.min(limit, 64));
        if (p == null) {
            return out;
        }
        for (String name : afterName == null ? p.names : p.names.tailSet(afterName, false)) {
            if (out.size() == limit) {
                break;
            }
            Entry e = p.secrets.get(name);
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
    public List<String> listProjects(String afterProjectId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        List<String> out = new ArrayList<>(Math.min(limit, 64));
        for (String id : afterProjectId == null ? projectIds : projectIds.tailSet(afterProjectId, false)) {
            if (out.size() == limit) {
                break;
            }
            Project p = projects.get(id);
            if (p != null && !p.secrets.isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        List<SecretRecord> out = new ArrayList<>();
        for (Project p : projects.values()) {
            for (Entry e : p.secrets.values()) {
                Instant t = e.snapshot.deletionTime();
                if (t != null && !t.isAfter(asOf)) {
                    out.add(e.snapshot.record());
                    if (out.size() == limit) {
                        return out;
                    }
                }
            }
        }
        return out;
    }

    /** @return the number of secrets held, across all projects */
    public int size() {
        int n = 0;
        for (Project p : projects.values()) {
            n += p.secrets.size();
        }
        return n;
    }

    @Override
    public String toString() {
        return "InMemoryStageRepository[" + size() + " secrets]";
    }
}
