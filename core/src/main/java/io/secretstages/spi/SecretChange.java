package io.secretstages.spi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One atomic change to one secret, computed by {@code StageManager} with the rules applied. It carries everything
 * a store needs to apply it in one request: the snapshot it was planned from ({@link #base()}, absent when the
 * change creates the secret), the snapshot it produces ({@link #result()}), and the difference between the two for
 * stores that write rows. A store applies it mechanically (see {@link StageRepository#apply}); it decides nothing.
 *
 * <p>The difference, in the order a row store applies it: the new version is added (with its value), the removed
 * versions go (with their values), the detached stages go, the attached stages are written (a stage that exists is
 * moved, one that does not is created), the updated versions' metadata is rewritten (R24's expiry time; never their
 * values), and the secret's own row takes {@link #result()}'s last version number, deletion time (R8) and
 * description (R23). Values of existing versions are never part of a change.
 *
 * <p>Every write carries the secret's creation time ({@code result().createTime()}) and key, and every new
 * version its number: what an encrypting store binds a value to, with no extra read.
 *
 * <p>Build changes with {@link #creating(SecretKey, NewVersion)} or {@link #from(SecretSnapshot)}: the builder
 * computes {@link #result()} and checks I1 (no stage on a missing version) and I5 (numbers increase).
 *
 * @param base the snapshot the change was planned from; null when the change creates the secret
 * @param result the snapshot after the change; its {@link SecretSnapshot#revision() revision} is
 *               {@code base.revision() + 1} ({@link SecretSnapshot#firstRevision} of the creation time when
 *               creating), which a store that counts revisions itself may
 *               keep, and a store with revisions of its own replaces (see {@link StageRepository#apply})
 * @param newVersion the version to add, with its value, if any (always when creating)
 * @param removedVersions numbers of versions to remove (R15); they hold no stage in {@code result}
 * @param detachedStages names of stages to remove (R19)
 * @param attachedStages stages to create or move, each naming the version that holds it in {@code result}
 * @param updatedVersions existing versions whose metadata (expiry time, R24) changes, as they are in {@code result}
 */
public record SecretChange(SecretSnapshot base, SecretSnapshot result, Optional<NewVersion> newVersion,
                           Set<Long> removedVersions, Set<String> detachedStages, List<StageRecord> attachedStages,
                           List<VersionRecord> updatedVersions) {

    /**
     * Checks for nulls and makes the collections unmodifiable copies. Prefer the builders, which also compute
     * {@code result}.
     *
     * @param base the snapshot planned from, or null when creating
     * @param result the snapshot after the change
     * @param newVersion the version to add, if any
     * @param removedVersions numbers of versions to remove
     * @param detachedStages names of stages to remove
     * @param attachedStages stages to create or move
     * @param updatedVersions existing versions whose metadata changes
     */
    public SecretChange {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(newVersion, "newVersion");
        removedVersions = Set.copyOf(removedVersions);
        detachedStages = Set.copyOf(detachedStages);
        attachedStages = List.copyOf(attachedStages);
        updatedVersions = List.copyOf(updatedVersions);
        if (base == null && newVersion.isEmpty()) {
            throw new IllegalArgumentException("a change that creates a secret must add its first version");
        }
        if (base != null && !base.key().equals(result.key())) {
            throw new IllegalArgumentException("base and result are different secrets");
        }
    }

    /** @return the secret */
    public SecretKey key() {
        return result.key();
    }

    /** @return whether this change creates the secret (there is no {@link #base()}) */
    public boolean creates() {
        return base == null;
    }

    /** @return the revision the secret must still be at for the change to apply (0 when creating) */
    public long expectedRevision() {
        return base == null ? 0 : base.revision();
    }

    /**
     * @return whether the change writes nothing but stages (a candidate for a store's shortest path): no version
     *         added, removed or updated, and the secret's own row unchanged but for its revision
     */
    public boolean stagesOnly() {
        return base != null && newVersion.isEmpty() && removedVersions.isEmpty() && updatedVersions.isEmpty()
                && Objects.equals(base.deletionTime(), result.deletionTime())
                && base.description().equals(result.description());
    }

    /**
     * @param key the secret to create
     * @param first its first version, with its value
     * @return a builder of the change creating the secret (creation time: the version's)
     */
    public static Builder creating(SecretKey key, NewVersion first) {
        Objects.requireNonNull(first, "first");
        SecretSnapshot empty = new SecretSnapshot(key, SecretSnapshot.firstRevision(first.createTime()) - 1, 0,
                List.of(), Map.of(), first.createTime(), null, "");
        return new Builder(null, empty).addVersion(first);
    }

    /**
     * @param base the snapshot the change is planned from
     * @return a builder of a change to it
     */
    public static Builder from(SecretSnapshot base) {
        return new Builder(Objects.requireNonNull(base, "base"), base);
    }

    /** Builds a {@link SecretChange}, computing its result. Not thread-safe. */
    public static final class Builder {
        private final SecretSnapshot base;
        private final SecretSnapshot start;
        private NewVersion newVersion;
        private final Set<Long> removed = new LinkedHashSet<>();
        private final Set<String> detached = new LinkedHashSet<>();
        private final Map<String, StageRecord> attached = new LinkedHashMap<>();
        private final Map<Long, Instant> expiries = new LinkedHashMap<>();
        private Instant deletionTime;
        private String description;

        private Builder(SecretSnapshot base, SecretSnapshot start) {
            this.base = base;
            this.start = start;
            this.deletionTime = start.deletionTime();
            this.description = start.description();
        }

        /**
         * @param version the version to add, numbered above every number the secret had (I5)
         * @return this builder
         */
        public Builder addVersion(NewVersion version) {
            if (newVersion != null) {
                throw new IllegalStateException("one new version per change");
            }
            this.newVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * @param numbers versions to remove (R15)
         * @return this builder
         */
        public Builder removeVersions(Set<Long> numbers) {
            removed.addAll(numbers);
            return this;
        }

        /**
         * @param names stages to detach (R19)
         * @return this builder
         */
        public Builder detachStages(Set<String> names) {
            detached.addAll(names);
            return this;
        }

        /**
         * @param stages stages to create or move; a later one of the same name replaces an earlier one
         * @return this builder
         */
        public Builder attachStages(List<StageRecord> stages) {
            for (StageRecord s : stages) {
                attached.put(s.name(), s);
            }
            return this;
        }

        /**
         * @param time the new scheduled deletion time (R8), or null to clear it (a restore)
         * @return this builder
         */
        public Builder deletionTime(Instant time) {
            this.deletionTime = time;
            return this;
        }

        /**
         * @param text the new description (R23), {@code ""} for none
         * @return this builder
         */
        public Builder description(String text) {
            this.description = Objects.requireNonNull(text, "description");
            return this;
        }

        /**
         * @param number an existing version's number
         * @param expireTime its new expiry time (R24), or null for none
         * @return this builder
         */
        public Builder expireTime(long number, Instant expireTime) {
            expiries.put(number, expireTime);
            return this;
        }

        /**
         * @return the change
         * @throws IllegalStateException if the result would break I1 (a stage on a missing version) or I5 (a new
         *                               version not numbered above the last), or names a version it lacks
         */
        public SecretChange build() {
            long last = start.lastVersionNumber();
            List<VersionRecord> versions = new ArrayList<>(start.versions().size() + 1);
            List<VersionRecord> updated = new ArrayList<>(expiries.size());
            for (VersionRecord v : start.versions()) {
                if (removed.contains(v.number())) {
                    continue;
                }
                if (expiries.containsKey(v.number())) {
                    v = v.withExpireTime(expiries.get(v.number()));
                    updated.add(v);
                }
                versions.add(v);
            }
            if (updated.size() != expiries.size()) {
                throw new IllegalStateException("an expiry time for a version the secret does not keep");
            }
            if (newVersion != null) {
                if (newVersion.number() <= last) {
                    throw new IllegalStateException("version numbers must increase (I5)");
                }
                versions.add(newVersion.record());
                last = newVersion.number();
            }
            Map<String, StageRecord> stages = start.stages();
            if (!detached.isEmpty() || !attached.isEmpty()) {
                stages = new HashMap<>(stages);
                stages.keySet().removeAll(detached);
                stages.putAll(attached);
            }
            SecretSnapshot result = new SecretSnapshot(start.key(), start.revision() + 1, last, versions, stages,
                    start.createTime(), deletionTime, description);
            for (StageRecord s : result.stages().values()) { // I1
                if (result.version(s.versionNumber()).isEmpty()) {
                    throw new IllegalStateException("stage " + s.name() + " would name a missing version (I1)");
                }
            }
            return new SecretChange(base, result, Optional.ofNullable(newVersion), removed, detached,
                    new ArrayList<>(attached.values()), updated);
        }
    }
}
