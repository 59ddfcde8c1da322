package io.secretstages.spi;

/**
 * The result of {@link StageRepository#loadStage}: whether the secret exists, and the stage if a version holds it.
 * The two misses are shared constants, so a store allocates at most one small object per lookup.
 *
 * @param secretExists whether the secret exists
 * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
 */
public record StageLookup(boolean secretExists, StageRecord stage) {
    /** The secret does not exist. */
    public static final StageLookup SECRET_NOT_FOUND = new StageLookup(false, null);
    /** The secret exists; no version holds the stage. */
    public static final StageLookup STAGE_NOT_FOUND = new StageLookup(true, null);

    /**
     * Checks that a missing secret comes without a stage.
     *
     * @param secretExists whether the secret exists
     * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
     */
    public StageLookup {
        if (!secretExists && stage != null) {
            throw new IllegalArgumentException("a stage of a missing secret");
        }
    }

    /**
     * @param stage a stage of an existing secret, or null if no version holds it
     * @return the lookup result
     */
    public static StageLookup of(StageRecord stage) {
        return stage == null ? STAGE_NOT_FOUND : new StageLookup(true, stage);
    }
}
