package io.secretstages;

/**
 * Observes every public call of a {@link StageManager}: when it starts, each optimistic write attempt it lost to
 * another writer (R21), and how it ended. This is the hook metrics and tracing bind to (the
 * {@code secret-stages-micrometer} module turns it into Micrometer observations); core itself depends on nothing for
 * it. Register one with {@code StageManager.Builder.observer(CallObserver)}.
 *
 * <p>The manager calls {@link #start} on the calling thread before any validation and {@link Call#end} exactly once
 * on the same thread before the call returns or throws, including for refusals of malformed input. Observers must be
 * thread-safe and fast; an observer that throws is logged and never changes the call's outcome. Nothing passed to an
 * observer contains a secret value; the project and secret names are passed so that an observer may tag with them if
 * its user asks for it, and are the caller's raw arguments (they may be null or malformed when the call is refused
 * with {@link ErrorCode#INVALID_PARAMETER}).
 */
public interface CallObserver {

    /** An observer that does nothing; the default. */
    CallObserver NONE = (operation, projectId, secretName) -> Call.NONE;

    /**
     * A call begins.
     *
     * @param operation the {@code StageManager} method's name, such as {@code "getStage"} or {@code "putVersion"}
     *                  (overloads share one name): a small, fixed set, safe as a metric tag
     * @param projectId the project argument as given, or null for calls that name none ({@code purgeExpired})
     * @param secretName the secret argument as given, or null for calls that name none ({@code listSecrets},
     *                   {@code purgeExpired})
     * @return the call's handle, never null
     */
    Call start(String operation, String projectId, String secretName);

    /** One observed call. Used by one thread. */
    interface Call {
        /** A call handle that does nothing. */
        Call NONE = outcome -> { };

        /**
         * The call's write lost an optimistic race (the store refused it at a stale revision) and is being planned
         * again from a fresh read (R21). Called once per lost attempt.
         */
        default void lostRace() {
        }

        /**
         * The call ended.
         *
         * @param outcome null if the call returned normally; otherwise the {@link ErrorCode} of the
         *                {@link StageException} it threw ({@link ErrorCode#STORE_FAILURE} for a store failure)
         */
        void end(ErrorCode outcome);
    }
}
