package io.secretstages.spi;

import java.time.Instant;

/**
 * The result of {@link StageRepository#loadStage}: whether the secret exists, the stage if a version holds it, and
 * the secret's scheduled deletion time (R8), so that the manager can tell a secret past its recovery window from
 * one that exists. Immutable.
 *
 * @param secretExists whether the secret exists
 * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
 * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
 */
public record StageLookup(boolean secretExists, StageRecord stage, Instant deletionTime) {
    /** The secret does not exist. */
    public static final StageLookup SECRET_NOT_FOUND = new StageLookup(false, null, null);
    /** The secret exists, no deletion is scheduled, and no version holds the stage. */
    public static final StageLookup STAGE_NOT_FOUND = new StageLookup(true, null, null);

    /**
     * Checks that a missing secret has neither stage nor deletion time.
     *
     * @param secretExists whether the secret exists
     * @param stage the stage, or null
     * @param deletionTime the scheduled deletion time, or null
     */
    public StageLookup {
        if (!secretExists && (stage != null || deletionTime != null)) {
            throw new IllegalArgumentException("a stage or deletion time of a missing secret");
        }
    }

    /**
     * @param snapshot a secret
     * @param stageName a stage name
     * @return the lookup of that stage in the snapshot: the reference semantics of {@link StageRepository#loadStage}
     */
    public static StageLookup in(SecretSnapshot snapshot, String stageName) {
        StageRecord stage = snapshot.stages().get(stageName);
        return stage == null && snapshot.deletionTime() == null ? STAGE_NOT_FOUND
                : new StageLookup(true, stage, snapshot.deletionTime());
    }
}
