package io.secretstages.spi;

/**
 * An infrastructure failure of a store (I/O, SQL, connection, timeout). {@code StageManager} reports it once as
 * {@code ErrorCode.STORE_FAILURE}, carrying {@link #ambiguous()} on to {@code StageException.ambiguous()}. A lost
 * race is not a failure: it is the empty result of a write.
 *
 * <p>A failure is either <b>clean</b> ({@code ambiguous() == false}: the store guarantees that the write left no
 * trace, for example the transaction was rolled back before its commit was sent) or <b>ambiguous</b> (the write
 * may or may not have been committed: a commit whose answer was lost, a timeout after the request was sent, a
 * leader change). Reads are never ambiguous. When unsure, a store says ambiguous.
 *
 * <p>Messages must not contain secret values, nor quote stored bytes.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Whether a write may have been committed. */
    private final boolean ambiguous;

    /**
     * A clean failure: nothing was written.
     *
     * @param message what failed, without secret values
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * A failure that may have left the write committed, or not.
     *
     * @param message what failed, without secret values
     * @param cause the underlying failure
     * @param ambiguous true if the write may have been committed; false if it left no trace
     */
    public StoreException(String message, Throwable cause, boolean ambiguous) {
        super(message, cause);
        this.ambiguous = ambiguous;
    }

    /**
     * A clean failure without a cause.
     *
     * @param message what failed, without secret values
     */
    public StoreException(String message) {
        this(message, null, false);
    }

    /** @return true if the failed write may nevertheless have been committed; false if it left no trace */
    public boolean ambiguous() {
        return ambiguous;
    }
}
