package io.secretstages.spi;

/**
 * An infrastructure failure of a store (I/O, SQL, connection). Thrown by {@link StageRepository} methods when the
 * outcome is a failure; the store guarantees that a failed write left no trace. {@code StageManager} reports it as
 * {@code ErrorCode.STORE_FAILURE}. A lost race is not a failure: it is the {@code false} result of a write.
 *
 * <p>Messages must not contain secret values.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without secret values
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what failed, without secret values */
    public StoreException(String message) {
        super(message);
    }
}
