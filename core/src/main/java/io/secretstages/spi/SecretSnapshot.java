package io.secretstages.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata of one secret as a store holds it at one revision: its versions (without values), its stages, the
 * highest version number it ever issued (R4), a revision that every applied change increments, when it was created,
 * and when it will be deleted if its deletion is scheduled (R8). Immutable.
 *
 * @param key the secret
 * @param revision the revision, 1 after creation and one more after each applied change
 * @param lastVersionNumber the highest version number ever issued for this secret (removed versions included)
 * @param versions the versions, in ascending number order, unmodifiable
 * @param stages the stages by name, unmodifiable
 * @param createTime when the secret was created (the create time of v1), millisecond precision
 * @param deletionTime when the secret's scheduled deletion takes effect (R8), or null if none is scheduled
 */
public record SecretSnapshot(SecretKey key, long revision, long lastVersionNumber, List<VersionRecord> versions,
                             Map<String, StageRecord> stages, Instant createTime, Instant deletionTime) {

    /**
     * Makes unmodifiable copies of the collections (no copy is made of one that is already unmodifiable).
     *
     * @param key the secret
     * @param revision the revision, 1 after creation and one more after each applied change
     * @param lastVersionNumber the highest version number ever issued for this secret (removed versions included)
     * @param versions the versions, in ascending number order, unmodifiable
     * @param stages the stages by name, unmodifiable
     * @param createTime when the secret was created (the create time of v1), millisecond precision
     * @param deletionTime when the secret's scheduled deletion takes effect (R8), or null if none is scheduled
     */
    public SecretSnapshot {
        versions = List.copyOf(versions);
        stages = Map.copyOf(stages);
        java.util.Objects.requireNonNull(createTime, "createTime");
    }

    /** @return whether a deletion is scheduled (R8): the secret is pending deletion, or past its window */
    public boolean deletionScheduled() {
        return deletionTime != null;
    }

    /** @return the secret's own row: key, revision, create time, deletion time */
    public SecretRecord record() {
        return new SecretRecord(key, revision, createTime, deletionTime);
    }

    /**
     * Builds the snapshot a store holds right after {@link StageRepository#setDeletionTime} applied to this one:
     * the same versions and stages, the revision incremented. The reference semantics of that method.
     *
     * @param newDeletionTime the new deletion time, or null to clear it (restore)
     * @return the next snapshot
     */
    public SecretSnapshot withDeletionTime(Instant newDeletionTime) {
        return new SecretSnapshot(key, revision + 1, lastVersionNumber, versions, stages, createTime, newDeletionTime);
    }

    /**
     * @param number a version number
     * @return the version, if the secret has it
     */
    public Optional<VersionRecord> version(long number) {
        // Versions are few (R15) and sorted: a scan from the newest end finds recent versions first.
        for (int i = versions.size() - 1; i >= 0; i--) {
            VersionRecord v = versions.get(i);
            if (v.number() == number) {
                return Optional.of(v);
            }
            if (v.number() < number) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * @param versionNumber a version number
     * @return the names of the stages that version holds, sorted, unmodifiable
     */
    public Set<String> stagesOf(long versionNumber) {
        TreeSet<String> names = new TreeSet<>();
        for (StageRecord s : stages.values()) {
            if (s.versionNumber() == versionNumber) {
                names.add(s.name());
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Builds the snapshot a store holds right after applying {@code change} to the secret it creates.
     *
     * @param change a change with {@link SecretChange#creates()}
     * @return revision 1 of the new secret
     */
    public static SecretSnapshot created(SecretChange change) {
        if (!change.creates()) {
            throw new IllegalArgumentException("not a creating change");
        }
        SecretSnapshot empty = new SecretSnapshot(change.key(), SecretChange.CREATE, 0, List.of(), Map.of(),
                change.newVersion().orElseThrow().createTime(), null);
        return empty.applyChecked(change);
    }

    /**
     * Applies {@code change} mechanically, as {@link SecretChange} describes, without checking the revision. This is
     * the reference semantics every store implements; the in-memory store uses it directly.
     *
     * @param change a change computed from this snapshot
     * @return the snapshot after the change, with the revision incremented
     * @throws IllegalStateException if the result would break I1 (a stage on a missing version), which only a
     *                               defect in the caller can cause
     */
    public SecretSnapshot apply(SecretChange change) {
        if (change.creates()) {
            throw new IllegalArgumentException("a creating change applies to no existing snapshot");
        }
        return applyChecked(change);
    }

    private SecretSnapshot applyChecked(SecretChange change) {
        List<VersionRecord> newVersions = versions;
        long last = lastVersionNumber;
        if (change.newVersion().isPresent() || !change.removedVersions().isEmpty()) {
            newVersions = new ArrayList<>(versions.size() + 1);
            for (VersionRecord v : versions) {
                if (!change.removedVersions().contains(v.number())) {
                    newVersions.add(v);
                }
            }
            if (change.newVersion().isPresent()) {
                NewVersion nv = change.newVersion().get();
                if (nv.number() <= lastVersionNumber) {
                    throw new IllegalStateException("version numbers must increase (I5)");
                }
                newVersions.add(nv.record());
                last = nv.number();
            }
        }
        Map<String, StageRecord> newStages = stages;
        if (!change.detachedStages().isEmpty() || !change.attachedStages().isEmpty()) {
            newStages = new HashMap<>(stages);
            for (String name : change.detachedStages()) {
                newStages.remove(name);
            }
            for (StageRecord s : change.attachedStages()) {
                newStages.put(s.name(), s);
            }
        }
        SecretSnapshot next = new SecretSnapshot(key, revision + 1, last, newVersions, newStages, createTime,
                deletionTime);
        // I1: only attached stages and stages on removed versions can name a missing version
        for (StageRecord s : change.attachedStages()) {
            if (next.version(s.versionNumber()).isEmpty()) {
                throw new IllegalStateException("stage " + s.name() + " would name a missing version (I1)");
            }
        }
        if (!change.removedVersions().isEmpty()) {
            for (StageRecord s : next.stages.values()) {
                if (change.removedVersions().contains(s.versionNumber())) {
                    throw new IllegalStateException("stage " + s.name() + " would name a missing version (I1)");
                }
            }
        }
        return next;
    }
}
