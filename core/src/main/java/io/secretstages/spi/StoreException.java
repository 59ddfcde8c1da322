package io.secretstages.spi;

/**
 * An infrastructure failure of a store (I/O, SQL, connection). Thrown by {@link StageRepository} methods when the
 * outcome is a failure; the store guarantees that a failed write left no trace, unless it says the outcome is
 * {@link #ambiguous()} (a commit was sent and no answer came). {@code StageManager} reports it as
 * {@code ErrorCode.STORE_FAILURE}. A lost race is not a failure: it is the {@code false} result of a write.
 *
 * <p>Messages must not contain secret values.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whether a commit was sent and its outcome is unknown. */
    private final boolean ambiguous;

    /**
     * @param message what failed, without secret values
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param message what failed, without secret values
     * @param cause the underlying failure
     * @param ambiguous true if the write may have been committed (the failure came after the commit was sent, for
     *                  example a connection lost while waiting for its answer); false if it certainly left no trace
     */
    public StoreException(String message, Throwable cause, boolean ambiguous) {
        super(message, cause);
        this.ambiguous = ambiguous;
    }

    /** @param message what failed, without secret values */
    public StoreException(String message) {
        this(message, null, false);
    }

    /**
     * @return true if the failed write's outcome is unknown (it may have been committed); false if it certainly
     *         left no trace (R21)
     */
    public boolean ambiguous() {
        return ambiguous;
    }
}
