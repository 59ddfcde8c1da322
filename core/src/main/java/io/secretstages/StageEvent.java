package io.secretstages;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A committed change, as {@link StageListener}s receive it. Immutable; holds no secret value.
 *
 * @param operation what was done
 * @param projectId the project
 * @param secretName the secret
 * @param stagesMoved every stage that was attached, moved or detached, with where it was and where it is
 * @param versionsAdded ids of the versions created (one for a put or a create, else none)
 * @param versionsEvicted ids of the deprecated versions removed by R15 (or all versions, for a deleted or purged
 *                        secret)
 * @param time when the change was made (the manager's clock)
 */
public record StageEvent(Operation operation, String projectId, String secretName, List<StageMove> stagesMoved,
                         List<String> versionsAdded, List<String> versionsEvicted, Instant time) {

    /** The operations that change a secret. */
    public enum Operation {
        /** {@code createSecret}. */
        CREATE_SECRET,
        /** {@code putVersion}. */
        PUT_VERSION,
        /** {@code updateStage} that moved a stage (a no-op update sends no event). */
        UPDATE_STAGE,
        /** {@code deleteStage}. */
        DELETE_STAGE,
        /** {@code deleteSecret}. */
        DELETE_SECRET,
        /** {@code scheduleDeletion} (R8): no stage or version moves; {@code getSecret} tells the deletion time. */
        SCHEDULE_DELETION,
        /** {@code restoreSecret} that cancelled a scheduled deletion (R8). */
        RESTORE_SECRET,
        /** A secret removed because its recovery window passed (R8), by {@code purgeExpired} or lazily on access. */
        PURGE_SECRET,
        /** {@code updateDescription} (R23): no stage or version moves; {@code getSecret} tells the description. */
        UPDATE_DESCRIPTION,
        /** {@code updateVersionExpiry} (R24): no stage or version moves; the version's metadata tells the time. */
        UPDATE_VERSION
    }

    /**
     * One stage's move.
     *
     * @param stage the stage name
     * @param from the version that held it before, if any
     * @param to the version that holds it after, if any (empty: detached)
     */
    public record StageMove(String stage, Optional<String> from, Optional<String> to) {
        /**
         * Checks for nulls.
         *
         * @param stage the stage name
         * @param from the version that held it before, if any
         * @param to the version that holds it after, if any (empty: detached)
         */
        public StageMove {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String toString() {
            return stage + " " + from.orElse("-") + "->" + to.orElse("-");
        }
    }

    /**
     * Makes the lists unmodifiable copies.
     *
     * @param operation what was done
     * @param projectId the project
     * @param secretName the secret
     * @param stagesMoved every stage that was attached, moved or detached
     * @param versionsAdded ids of the versions created
     * @param versionsEvicted ids of the versions removed
     * @param time when the change was made
     */
    public StageEvent {
        Objects.requireNonNull(operation, "operation");
        stagesMoved = List.copyOf(stagesMoved);
        versionsAdded = List.copyOf(versionsAdded);
        versionsEvicted = List.copyOf(versionsEvicted);
        Objects.requireNonNull(time, "time");
    }
}
