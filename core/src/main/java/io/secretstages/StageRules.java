package io.secretstages;

import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRecord;

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
 * The stage rules of SPEC.md as pure functions: from a snapshot and a request to a {@link SecretChange} (or a
 * refusal). Nothing here reads a clock or touches a store; {@link StageManager} supplies the time, validates the
 * arguments beforehand (R1-R5, R7, R10, R13, R19) and applies the change.
 */
final class StageRules {
    private final int maxStages;
    private final int maxVersions;

    StageRules(int maxStages, int maxVersions) {
        this.maxStages = maxStages;
        this.maxVersions = maxVersions;
    }

    /**
     * The outcome of planning a write.
     *
     * @param change what to apply, or null if nothing changes (R12, R18)
     * @param result what the caller gets once the change is applied
     */
    record Plan<T>(SecretChange change, T result) {
    }

    /** R6: the first version v1 holds SYSCURRENT. */
    SecretChange createSecret(SecretKey key, SecretValue value, Instant now) {
        return new SecretChange(key, SecretChange.CREATE, Optional.of(new NewVersion(1, now, value)),
                Set.of(), Set.of(), List.of(new StageRecord(SYSCURRENT, 1, now)));
    }

    /**
     * R9-R15: a new version numbered one above the highest ever issued (R4), holding exactly {@code stages} (R10,
     * R11); SYSPREVIOUS follows SYSCURRENT (R12); the custom-stage limit holds (R14); the oldest deprecated
     * versions go beyond the version limit (R15).
     */
    Plan<VersionMetadata> putVersion(SecretSnapshot s, SecretValue value, Set<String> stages, Instant now,
                                     String clientToken) {
        long number = s.lastVersionNumber() + 1;
        List<StageRecord> attached = new ArrayList<>(stages.size() + 1);
        for (String stage : stages) {
            attached.add(new StageRecord(stage, number, now));
        }
        if (stages.contains(SYSCURRENT)) {
            StageRecord current = s.stages().get(SYSCURRENT);
            if (current != null) {
                attached.add(new StageRecord(SYSPREVIOUS, current.versionNumber(), now)); // R12
            }
        }
        checkCustomStageLimit(s.stages(), stages);

        // R15: a version holding a stage once this change is applied is kept; the oldest others go.
        Map<String, Long> holders = new HashMap<>();
        for (StageRecord st : s.stages().values()) {
            holders.put(st.name(), st.versionNumber());
        }
        for (StageRecord st : attached) {
            holders.put(st.name(), st.versionNumber());
        }
        Set<Long> held = new HashSet<>(holders.values());
        Set<Long> removed = new HashSet<>();
        int excess = s.versions().size() + 1 - maxVersions;
        for (VersionRecord v : s.versions()) {
            if (excess <= 0) {
                break;
            }
            if (!held.contains(v.number())) {
                removed.add(v.number());
                excess--;
            }
        }
        SecretChange change = new SecretChange(s.key(), s.revision(),
                Optional.of(new NewVersion(number, now, value, clientToken)),
                removed, Set.of(), attached);
        VersionMetadata metadata = new VersionMetadata(s.key().secretName(), "v" + number, now, stages);
        return new Plan<>(change, metadata);
    }

    /**
     * R18 with R11-R14 and R20: attach {@code stage} to version {@code versionNumber}. Refusals in R22's order:
     * VERSION_NOT_FOUND, CONFLICT (guarded only), STAGE_LIMIT_EXCEEDED.
     *
     * @param expected null for an unguarded update; else the id that must hold the stage now, or empty for none
     */
    Plan<Stage> updateStage(SecretSnapshot s, String stage, long versionNumber, String versionId,
                            Optional<String> expected, Instant now) {
        String secretName = s.key().secretName();
        if (s.version(versionNumber).isEmpty()) {
            throw new StageException(ErrorCode.VERSION_NOT_FOUND,
                    "secret " + secretName + " has no version " + versionId);
        }
        StageRecord holder = s.stages().get(stage);
        if (expected != null) {
            String holderId = holder == null ? null : VersionRecord.idOf(holder.versionNumber());
            boolean matches = expected.isPresent() ? expected.get().equals(holderId) : holder == null;
            if (!matches) {
                throw new StageException(ErrorCode.CONFLICT, "stage " + stage + " of secret " + secretName
                        + " is held by " + (holderId == null ? "no version" : holderId) + ", not by "
                        + expected.orElse("no version") + " (R20)");
            }
        }
        if (holder == null) {
            checkCustomStageLimit(s.stages(), Set.of(stage));
        } else if (holder.versionNumber() == versionNumber) {
            return new Plan<>(null, toStage(secretName, holder)); // R18: nothing changes, update_time included
        }
        StageRecord moved = new StageRecord(stage, versionNumber, now);
        List<StageRecord> attached;
        if (stage.equals(SYSCURRENT) && holder != null) {
            attached = List.of(moved, new StageRecord(SYSPREVIOUS, holder.versionNumber(), now)); // R12
        } else {
            attached = List.of(moved);
        }
        SecretChange change = new SecretChange(s.key(), s.revision(), Optional.empty(), Set.of(), Set.of(), attached);
        return new Plan<>(change, toStage(secretName, moved));
    }

    /** R19: detach a custom stage (built-in stages were refused before the store was read). */
    SecretChange deleteStage(SecretSnapshot s, String stage) {
        if (!s.stages().containsKey(stage)) {
            throw stageNotFound(s.key(), stage);
        }
        return new SecretChange(s.key(), s.revision(), Optional.empty(), Set.of(), Set.of(stage), List.of());
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

    static Stage toStage(String secretName, StageRecord record) {
        return io.secretstages.spi.StageLookup.toStage(secretName, record);
    }

    static StageException stageNotFound(SecretKey key, String stage) {
        return new StageException(ErrorCode.STAGE_NOT_FOUND,
                "no version of secret " + key.secretName() + " holds stage " + stage);
    }
}
