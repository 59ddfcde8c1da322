package io.secretstages.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata of one secret as a store holds it at one revision: its versions (without values), its stages, the
 * highest version number it ever issued (R4), its revision, when it was created, its description (R23) and when it
 * will be deleted if its deletion is scheduled (R8). Immutable.
 *
 * @param key the secret
 * @param revision the revision: positive, opaque to the manager, different after every applied change (see
 *                 {@link StageRepository#apply})
 * @param lastVersionNumber the highest version number ever issued for this secret (removed versions included)
 * @param versions the versions, in ascending number order, unmodifiable
 * @param stages the stages by name, unmodifiable
 * @param createTime when the secret was created (the create time of v1), millisecond precision; an encrypting
 *                   store binds values to it
 * @param deletionTime when the secret's scheduled deletion takes effect (R8), or null if none is scheduled
 * @param description the secret's description (R23), {@code ""} for none, never null
 */
public record SecretSnapshot(SecretKey key, long revision, long lastVersionNumber, List<VersionRecord> versions,
                             Map<String, StageRecord> stages, Instant createTime, Instant deletionTime,
                             String description) {

    /**
     * Checks for nulls; makes unmodifiable copies of the collections (no copy of one that already is).
     *
     * @param key the secret
     * @param revision the revision
     * @param lastVersionNumber the highest version number ever issued
     * @param versions the versions, in ascending number order
     * @param stages the stages by name
     * @param createTime when the secret was created
     * @param deletionTime the scheduled deletion time, or null
     * @param description the description, not null
     */
    public SecretSnapshot {
        Objects.requireNonNull(key, "key");
        versions = List.copyOf(versions);
        stages = Map.copyOf(stages);
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(description, "description");
    }

    /**
     * A snapshot without a description.
     *
     * @param key the secret
     * @param revision the revision
     * @param lastVersionNumber the highest version number ever issued
     * @param versions the versions, in ascending number order
     * @param stages the stages by name
     * @param createTime when the secret was created
     * @param deletionTime the scheduled deletion time, or null
     */
    public SecretSnapshot(SecretKey key, long revision, long lastVersionNumber, List<VersionRecord> versions,
                          Map<String, StageRecord> stages, Instant createTime, Instant deletionTime) {
        this(key, revision, lastVersionNumber, versions, stages, createTime, deletionTime, "");
    }

    /** @return whether a deletion is scheduled (R8): the secret is pending deletion, or past its window */
    public boolean deletionScheduled() {
        return deletionTime != null;
    }

    /** @return the secret's own row: key, revision, create time, deletion time, description */
    public SecretRecord record() {
        return new SecretRecord(key, revision, createTime, deletionTime, description);
    }

    /**
     * @param newRevision the revision a store assigned
     * @return this snapshot at that revision, the same otherwise
     */
    public SecretSnapshot withRevision(long newRevision) {
        return newRevision == revision ? this : new SecretSnapshot(key, newRevision, lastVersionNumber, versions,
                stages, createTime, deletionTime, description);
    }

    /**
     * @param number a version number
     * @return the version, if the secret has it
     */
    public Optional<VersionRecord> version(long number) {
        for (int i = versions.size() - 1; i >= 0; i--) { // sorted and few (R15): recent versions first
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
     * Checks the argument of {@link StageRepository#rewriteValues} against this base snapshot.
     *
     * @param values new values by version number
     * @throws IllegalArgumentException if {@code values} is empty or names a version this snapshot does not list
     */
    public void checkRewrite(Map<Long, ?> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to rewrite");
        }
        for (Long n : values.keySet()) {
            if (version(n).isEmpty()) {
                throw new IllegalArgumentException("v" + n + " is not a version of the snapshot");
            }
        }
    }

    /**
     * @param versionNumber a version number
     * @return the names of the stages that version holds, sorted, unmodifiable (no sorted set is built for the usual
     *         zero or one)
     */
    public Set<String> stagesOf(long versionNumber) {
        String first = null;
        TreeSet<String> more = null;
        for (StageRecord s : stages.values()) {
            if (s.versionNumber() != versionNumber) {
                continue;
            }
            if (first == null) {
                first = s.name();
            } else {
                if (more == null) {
                    more = new TreeSet<>();
                    more.add(first);
                }
                more.add(s.name());
            }
        }
        return more != null ? Collections.unmodifiableSet(more) : first == null ? Set.of() : Set.of(first);
    }

    /** Revisions a secret can reach after its creation before its successor's first one (see {@link #firstRevision}). */
    private static final long REVISIONS_PER_MILLISECOND = 1_000_000L;
    /** The last creation millisecond (in the year 2262) whose first revision leaves room to count up from. */
    private static final long LAST_MILLISECOND = (Long.MAX_VALUE / REVISIONS_PER_MILLISECOND) - 1;

    /**
     * The revision a store that counts revisions gives a secret it creates (what {@link SecretChange#creating}
     * proposes): its creation time's epoch milliseconds times a million, plus one. A secret deleted and created
     * again under the same name then starts above any revision its predecessor reached (meeting one would take a
     * million changes per millisecond of the predecessor's life, or a clock that went back to the very millisecond of
     * its creation), so a write planned on the old secret's snapshot, such as a manager's cached one, loses its race
     * instead of applying to the new secret ({@link StageRepository}'s revision rule).
     *
     * @param createTime when the secret is created
     * @return the positive first revision
     */
    public static long firstRevision(Instant createTime) {
        long millis = Math.max(0, Math.min(createTime.toEpochMilli(), LAST_MILLISECOND));
        return millis * REVISIONS_PER_MILLISECOND + 1;
    }
}
