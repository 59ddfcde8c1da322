package io.secretstages;

import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRead;
import io.secretstages.spi.VersionRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;

/**
 * Every refusal and every change of the rules, as pure functions: from a request and the secret's snapshot to a
 * {@link Plan} or a {@link StageException}. Nothing here touches a store or reads a clock of its own: callers pass
 * the time (or the injected {@link Clock}, read only when a rule needs it), and {@link OptimisticWriter} applies the
 * plan.
 *
 * <p><b>R22, in order.</b> {@code INVALID_PARAMETER} ({@link Inputs}, before anything else), {@code BUILT_IN_STAGE}
 * (the {@code refuse...} checks here, also before the store is read), then, on the snapshot:
 * {@code SECRET_NOT_FOUND} ({@link #existing}), {@code SECRET_PENDING_DELETION} ({@link #changeable}),
 * {@code VERSION_NOT_FOUND}, {@code STAGE_NOT_FOUND}, {@code CONFLICT}, {@code STAGE_LIMIT_EXCEEDED}. Each planner
 * below calls them in that order. A secret past its deletion time ({@link #expired}) is gone (R8): callers treat
 * it as absent after confirming it against the store.
 */
final class StageRules {
    private static final Set<String> DEFAULT_STAGES = Set.of(SYSCURRENT);

    private final int maxStages;
    private final int maxVersions;

    StageRules(int maxStages, int maxVersions) {
        this.maxStages = maxStages;
        this.maxVersions = maxVersions;
    }

    /**
     * The outcome of planning a write: a change to apply, a secret to delete, or nothing to do.
     *
     * @param change what to apply, or null
     * @param deletes the snapshot of the secret to delete, or null
     * @param result what the caller gets once the plan is carried out
     */
    record Plan<T>(SecretChange change, SecretSnapshot deletes, T result) {
        static <T> Plan<T> write(SecretChange change, T result) {
            return new Plan<>(change, null, result);
        }

        static <T> Plan<T> delete(SecretSnapshot s, T result) {
            return new Plan<>(null, s, result);
        }

        /** A no-op answer (R18, a restore of an enabled secret, a repeated client token). */
        static <T> Plan<T> unchanged(T result) {
            return new Plan<>(null, null, result);
        }

        boolean changesNothing() {
            return change == null && deletes == null;
        }
    }

    // ------------------------------------------------------------ before the store (R13, R19)

    /** R13: SYSPREVIOUS follows SYSCURRENT alone; a new version may not name it. */
    static void refuseBuiltInInPut(Set<String> stages) {
        if (stages.contains(SYSPREVIOUS)) {
            throw builtIn("SYSPREVIOUS is managed by the library (R13)");
        }
    }

    /** R13: an update may not move SYSPREVIOUS. */
    static void refuseBuiltInInUpdate(String stage) {
        if (stage.equals(SYSPREVIOUS)) {
            throw builtIn("SYSPREVIOUS is managed by the library (R13)");
        }
    }

    /** R19: the built-in stages cannot be deleted. */
    static void refuseBuiltInInDelete(String stage) {
        if (Stages.isBuiltIn(stage)) {
            throw builtIn(stage + " is a built-in stage and cannot be deleted (R19)");
        }
    }

    // ------------------------------------------------------------ on the snapshot

    /** R8: the deletion time has come (from that instant the secret is gone). */
    static boolean expired(Instant deletionTime, Instant now) {
        return deletionTime != null && !now.isBefore(deletionTime);
    }

    /** R8, reading {@code clock} only for a secret that has a deletion time (most have none: a read then reads no clock). */
    static boolean expired(Instant deletionTime, Clock clock) {
        return deletionTime != null && !Instant.ofEpochMilli(clock.millis()).isBefore(deletionTime);
    }

    /** SECRET_NOT_FOUND (R22's first check on the store). The snapshot is never an expired one. */
    static SecretSnapshot existing(SecretKey key, Optional<SecretSnapshot> s) {
        if (s.isEmpty()) {
            throw secretNotFound(key);
        }
        return s.get();
    }

    /** R8: a secret pending deletion refuses every change (and hides its values). */
    static SecretSnapshot changeable(SecretSnapshot s) {
        if (s.deletionScheduled()) {
            throw pendingDeletion(s.key(), s.deletionTime());
        }
        return s;
    }

    private static StageException pendingDeletion(SecretKey key, Instant deletionTime) {
        return new StageException(ErrorCode.SECRET_PENDING_DELETION, "secret " + key.secretName() + " in project "
                + key.projectId() + " is pending deletion until " + deletionTime + "; restore it first (R8)");
    }

    static StageException secretNotFound(SecretKey key) {
        return new StageException(ErrorCode.SECRET_NOT_FOUND,
                "secret " + key.secretName() + " does not exist in project " + key.projectId());
    }

    // ------------------------------------------------------------ secrets (R6, R8)

    /** R6: v1 holds SYSCURRENT. A pending secret keeps its name (R8); another is SECRET_ALREADY_EXISTS. */
    Plan<SecretVersion> createSecret(SecretKey key, Optional<SecretSnapshot> s, SecretValue value, String description,
                                     Instant now) {
        if (s.isPresent()) {
            changeable(s.get());
            throw new StageException(ErrorCode.SECRET_ALREADY_EXISTS,
                    "secret " + key.secretName() + " already exists in project " + key.projectId() + " (R6)");
        }
        SecretChange change = SecretChange.creating(key, new NewVersion(1, now, value))
                .attachStages(List.of(new StageRecord(SYSCURRENT, 1, now))).description(description).build();
        return Plan.write(change, new SecretVersion(new VersionMetadata(key.secretName(), "v1", now, DEFAULT_STAGES),
                value));
    }

    /** R23: metadata only; refused while pending deletion (R8); the same description changes nothing. */
    Plan<SecretMetadata> updateDescription(SecretKey key, Optional<SecretSnapshot> s, String description) {
        SecretSnapshot base = changeable(existing(key, s));
        if (base.description().equals(description)) {
            return Plan.unchanged(Views.secret(base));
        }
        SecretChange change = SecretChange.from(base).description(description).build();
        return Plan.write(change, Views.secret(change.result()));
    }

    /** R8: deleted at once with everything it holds; a pending secret is deleted by its schedule. */
    Plan<Void> deleteSecret(SecretKey key, Optional<SecretSnapshot> s) {
        return Plan.delete(changeable(existing(key, s)), null);
    }

    /** R8: pending deletion until now plus the window. */
    Plan<SecretMetadata> scheduleDeletion(SecretKey key, Optional<SecretSnapshot> s, int days, Instant now) {
        SecretSnapshot base = changeable(existing(key, s));
        SecretChange change = SecretChange.from(base).deletionTime(now.plus(Duration.ofDays(days))).build();
        return Plan.write(change, Views.secret(change.result()));
    }

    /** R8: restoring cancels the deletion; restoring an enabled secret changes nothing. */
    Plan<SecretMetadata> restoreSecret(SecretKey key, Optional<SecretSnapshot> s) {
        SecretSnapshot base = existing(key, s);
        if (!base.deletionScheduled()) {
            return Plan.unchanged(Views.secret(base));
        }
        SecretChange change = SecretChange.from(base).deletionTime(null).build();
        return Plan.write(change, Views.secret(change.result()));
    }

    // ------------------------------------------------------------ versions (R9-R15)

    /**
     * R9-R15: a new version numbered one above the highest ever issued (R4), holding exactly {@code stages} (R10,
     * R11); SYSPREVIOUS follows SYSCURRENT (R12); the custom-stage limit holds (R14); the oldest deprecated
     * versions go beyond the version limit (R15). A client token already used answers with that version, unchanged.
     */
    Plan<VersionMetadata> putVersion(SecretKey key, Optional<SecretSnapshot> snapshot, SecretValue value,
                                     Set<String> stages, String clientToken, Instant expireTime, Instant now) {
        SecretSnapshot s = changeable(existing(key, snapshot));
        if (clientToken != null) {
            for (VersionRecord v : s.versions()) {
                if (clientToken.equals(v.clientToken())) {
                    return Plan.unchanged(Views.version(s, v));
                }
            }
        }
        long number = s.lastVersionNumber() + 1;
        List<StageRecord> attached = new ArrayList<>(stages.size() + 1);
        for (String stage : stages) {
            attached.add(new StageRecord(stage, number, now));
        }
        StageRecord current = s.stages().get(SYSCURRENT);
        if (stages.contains(SYSCURRENT) && current != null) {
            attached.add(new StageRecord(SYSPREVIOUS, current.versionNumber(), now)); // R12
        }
        checkCustomStageLimit(s.stages(), stages);
        SecretChange change = SecretChange.from(s)
                .addVersion(new NewVersion(number, now, value, clientToken, expireTime))
                .attachStages(attached)
                .removeVersions(deprecatedBeyondLimit(s, attached))
                .build();
        return Plan.write(change, new VersionMetadata(key.secretName(), VersionRecord.idOf(number), now, stages,
                Optional.ofNullable(expireTime)));
    }

    /** R24: metadata only, refused while pending deletion (R8); the same time changes nothing. */
    Plan<VersionMetadata> updateVersionExpiry(SecretKey key, Optional<SecretSnapshot> snapshot, long number,
                                              String versionId, Instant expireTime) {
        SecretSnapshot s = changeable(existing(key, snapshot));
        VersionRecord v = s.version(number).orElseThrow(() -> versionNotFound(key, versionId));
        if (java.util.Objects.equals(v.expireTime(), expireTime)) {
            return Plan.unchanged(Views.version(s, v));
        }
        SecretChange change = SecretChange.from(s).expireTime(number, expireTime).build();
        return Plan.write(change, Views.version(change.result(), change.result().version(number).orElseThrow()));
    }

    /** R15: a version holding a stage once {@code attached} are applied is kept; the oldest others go. */
    private Set<Long> deprecatedBeyondLimit(SecretSnapshot s, List<StageRecord> attached) {
        int excess = s.versions().size() + 1 - maxVersions;
        if (excess <= 0) {
            return Set.of();
        }
        Map<String, Long> holders = new HashMap<>();
        s.stages().values().forEach(st -> holders.put(st.name(), st.versionNumber()));
        attached.forEach(st -> holders.put(st.name(), st.versionNumber()));
        Set<Long> held = new HashSet<>(holders.values());
        Set<Long> removed = new HashSet<>();
        for (VersionRecord v : s.versions()) {
            if (removed.size() == excess) {
                break;
            }
            if (!held.contains(v.number())) {
                removed.add(v.number());
            }
        }
        return removed;
    }

    /** A repeated client token with another value is INVALID_PARAMETER (decided on the stored value). */
    static void refuseOtherValueForToken(VersionMetadata earlier, Optional<SecretValue> stored, SecretValue value) {
        if (stored.isPresent() && !stored.get().equals(value)) {
            throw Inputs.invalid("client token already used for " + earlier.id() + " with another value");
        }
    }

    /**
     * R16: the version a read names, by stage ({@code latest} is SYSCURRENT's holder) or by number, over a store's
     * version read. R8: values of a pending secret are hidden, before VERSION_NOT_FOUND and STAGE_NOT_FOUND (R22's
     * order: the secret, its pending deletion, then the stage or version). The read is never of an expired secret.
     */
    static VersionRecord readableVersion(SecretKey key, Optional<VersionRead> read, String stage, String versionId) {
        if (read.isEmpty()) {
            throw secretNotFound(key);
        }
        SecretRecord secret = read.get().secret();
        if (secret.deletionTime() != null) {
            throw pendingDeletion(key, secret.deletionTime());
        }
        VersionRecord v = read.get().version();
        if (v == null) {
            throw stage != null ? stageNotFound(key, stage) : versionNotFound(key, versionId);
        }
        return v;
    }

    static VersionRecord readableVersion(SecretSnapshot s, String stage, long number, String versionId) {
        changeable(s);
        if (stage != null) {
            StageRecord holder = s.stages().get(stage);
            if (holder == null) {
                throw stageNotFound(s.key(), stage);
            }
            return s.version(holder.versionNumber()).orElseThrow();
        }
        return s.version(number).orElseThrow(() -> versionNotFound(s.key(), versionId));
    }

    // ------------------------------------------------------------ stages (R17-R20)

    /** R17: a stage read; stages stay readable while pending deletion. The lookup is never of an expired secret. */
    static Stage stage(SecretKey key, StageLookup lookup, String stageName) {
        if (!lookup.secretExists()) {
            throw secretNotFound(key);
        }
        if (lookup.stage() == null) {
            throw stageNotFound(key, stageName);
        }
        return Views.stage(key.secretName(), lookup.stage());
    }

    /**
     * R18 with R11-R14 and R20: attach {@code stage} to version {@code versionNumber}.
     *
     * @param expected null for an unguarded update; else the id that must hold the stage now, or empty for none
     */
    Plan<Stage> updateStage(SecretKey key, Optional<SecretSnapshot> snapshot, String stage, long versionNumber,
                            String versionId, Optional<String> expected, Instant now) {
        SecretSnapshot s = changeable(existing(key, snapshot));
        if (s.version(versionNumber).isEmpty()) {
            throw versionNotFound(key, versionId);
        }
        StageRecord holder = s.stages().get(stage);
        if (expected != null) {
            String holderId = holder == null ? null : VersionRecord.idOf(holder.versionNumber());
            if (expected.isPresent() ? !expected.get().equals(holderId) : holder != null) {
                throw new StageException(ErrorCode.CONFLICT, "stage " + stage + " of secret " + key.secretName()
                        + " is held by " + (holderId == null ? "no version" : holderId) + ", not by "
                        + expected.orElse("no version") + " (R20)");
            }
        }
        if (holder == null) {
            checkCustomStageLimit(s.stages(), Set.of(stage));
        } else if (holder.versionNumber() == versionNumber) {
            return Plan.unchanged(Views.stage(key.secretName(), holder)); // R18: update_time included
        }
        StageRecord moved = new StageRecord(stage, versionNumber, now);
        List<StageRecord> attached = stage.equals(SYSCURRENT) && holder != null
                ? List.of(moved, new StageRecord(SYSPREVIOUS, holder.versionNumber(), now)) // R12
                : List.of(moved);
        return Plan.write(SecretChange.from(s).attachStages(attached).build(), Views.stage(key.secretName(), moved));
    }

    /** R19: detach a custom stage (built-in stages were refused before the store was read). */
    Plan<Void> deleteStage(SecretKey key, Optional<SecretSnapshot> snapshot, String stage) {
        SecretSnapshot s = changeable(existing(key, snapshot));
        if (!s.stages().containsKey(stage)) {
            throw stageNotFound(key, stage);
        }
        return Plan.write(SecretChange.from(s).detachStages(Set.of(stage)).build(), null);
    }

    /** R14: at most {@code maxStages - 2} custom stages once {@code added} are attached. */
    private void checkCustomStageLimit(Map<String, StageRecord> existing, Set<String> added) {
        int custom = 0;
        for (String name : existing.keySet()) {
            if (!Stages.isBuiltIn(name)) {
                custom++;
            }
        }
        for (String name : added) {
            if (!Stages.isBuiltIn(name) && !existing.containsKey(name)) {
                custom++;
            }
        }
        int maxCustom = maxStages - 2;
        if (custom > maxCustom) {
            throw new StageException(ErrorCode.STAGE_LIMIT_EXCEEDED,
                    "a secret holds at most " + maxCustom + " custom stages (R14)");
        }
    }

    private static StageException builtIn(String message) {
        return new StageException(ErrorCode.BUILT_IN_STAGE, message);
    }

    private static StageException versionNotFound(SecretKey key, String versionId) {
        return new StageException(ErrorCode.VERSION_NOT_FOUND,
                "secret " + key.secretName() + " has no version " + versionId);
    }

    private static StageException stageNotFound(SecretKey key, String stage) {
        return new StageException(ErrorCode.STAGE_NOT_FOUND,
                "no version of secret " + key.secretName() + " holds stage " + stage);
    }
}
