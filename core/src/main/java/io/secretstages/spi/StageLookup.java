package io.secretstages.spi;

/**
 * The result of {@link StageRepository#loadStage}: whether the secret exists, and the stage if a version holds it.
 * The two misses are shared constants, so a store allocates at most one small object per lookup. A secret whose
 * deletion is scheduled (R8) reports its deletion time, so that the manager can tell a secret past its recovery
 * window from one that exists.
 *
 * @param secretExists whether the secret exists
 * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
 * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
 */
public record StageLookup(boolean secretExists, StageRecord stage, java.time.Instant deletionTime) {
    /** The secret does not exist. */
    public static final StageLookup SECRET_NOT_FOUND = new StageLookup(false, null, null);
    /** The secret exists, no deletion is scheduled, and no version holds the stage. */
    public static final StageLookup STAGE_NOT_FOUND = new StageLookup(true, null, null);

    /**
     * Checks that a missing secret comes without a stage or a deletion time.
     *
     * @param secretExists whether the secret exists
     * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
     * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
     */
    public StageLookup {
        if (!secretExists && (stage != null || deletionTime != null)) {
            throw new IllegalArgumentException("a stage or deletion time of a missing secret");
        }
    }

    /**
     * @param stage a stage of an existing secret, or null if no version holds it
     * @param deletionTime the secret's scheduled deletion time, or null
     * @return the lookup result
     */
    public static StageLookup of(StageRecord stage, java.time.Instant deletionTime) {
        return deletionTime == null ? of(stage) : new StageLookup(true, stage, deletionTime);
    }

    /**
     * @param stage a stage of an existing secret with no deletion scheduled, or null if no version holds it
     * @return the lookup result
     */
    public static StageLookup of(StageRecord stage) {
        return stage == null ? STAGE_NOT_FOUND : new StageLookup(true, stage, null);
    }
}
