package io.secretstages.spi;

import io.secretstages.Stage;

import java.time.Instant;
import java.util.Objects;

/**
 * The result of {@link StageRepository#loadStage}: whether the secret exists, and the stage if a version holds it.
 * The two misses are shared constants, so a store allocates at most one small object per lookup. A secret whose
 * deletion is scheduled (R8) reports its deletion time, so that the manager can tell a secret past its recovery
 * window from one that exists.
 *
 * <p>A store that keeps snapshots in memory can build its answers once per revision with
 * {@link StageTables}; those carry the {@link Stage} the manager returns ({@link #result()}), so that a read
 * allocates nothing.
 *
 * @param secretExists whether the secret exists
 * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
 * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
 * @param result the stage as {@code StageManager.getStage} returns it, if the store prepared it; else null and the
 *               manager builds it from {@code stage}
 */
public record StageLookup(boolean secretExists, StageRecord stage, Instant deletionTime, Stage result) {
    /** The secret does not exist. */
    public static final StageLookup SECRET_NOT_FOUND = new StageLookup(false, null, null);
    /** The secret exists, no deletion is scheduled, and no version holds the stage. */
    public static final StageLookup STAGE_NOT_FOUND = new StageLookup(true, null, null);

    /**
     * Checks that a missing secret comes without a stage or a deletion time, and that a prepared result says what
     * the stage record says.
     *
     * @param secretExists whether the secret exists
     * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
     * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
     * @param result the prepared stage, or null
     */
    public StageLookup {
        if (!secretExists && (stage != null || deletionTime != null)) {
            throw new IllegalArgumentException("a stage or deletion time of a missing secret");
        }
        if (result != null && (stage == null || !result.name().equals(stage.name())
                || !result.versionId().equals(VersionRecord.idOf(stage.versionNumber()))
                || !Objects.equals(result.updateTime(), stage.updateTime()))) {
            throw new IllegalArgumentException("a prepared stage that differs from the stage record");
        }
    }

    /**
     * A lookup without a prepared result.
     *
     * @param secretExists whether the secret exists
     * @param stage the stage, or null if the secret does not exist or no version of it holds the stage
     * @param deletionTime the secret's scheduled deletion time (R8), or null if none is scheduled
     */
    public StageLookup(boolean secretExists, StageRecord stage, Instant deletionTime) {
        this(secretExists, stage, deletionTime, null);
    }

    /**
     * @param stage a stage of an existing secret, or null if no version holds it
     * @param deletionTime the secret's scheduled deletion time, or null
     * @return the lookup result
     */
    public static StageLookup of(StageRecord stage, Instant deletionTime) {
        return deletionTime == null ? of(stage) : new StageLookup(true, stage, deletionTime);
    }

    /**
     * @param stage a stage of an existing secret with no deletion scheduled, or null if no version holds it
     * @return the lookup result
     */
    public static StageLookup of(StageRecord stage) {
        return stage == null ? STAGE_NOT_FOUND : new StageLookup(true, stage, null);
    }

    /**
     * The public form of a stored stage (R17): its name, the secret's name, the holding version's id and the update
     * time.
     *
     * @param secretName the secret's name
     * @param stage the stored stage
     * @return the stage as the manager returns it
     */
    public static Stage toStage(String secretName, StageRecord stage) {
        return new Stage(stage.name(), secretName, VersionRecord.idOf(stage.versionNumber()), stage.updateTime());
    }
}
