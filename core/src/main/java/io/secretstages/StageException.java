package io.secretstages;

import java.util.Objects;

/**
 * A refused operation. The {@link #code()} says why; the message names the offending parameter or resource but
 * never contains a secret value, and never echoes a malformed input back (it may be anything, a value included).
 * When this exception is thrown by {@link StageManager}, nothing was changed, unless {@link #ambiguous()} says that
 * the outcome is unknown (a store failure whose commit may have happened, R21).
 */
public class StageException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Why the operation was refused. */
    private final ErrorCode code;
    /** Whether the refused write may nevertheless have been applied. */
    private final boolean ambiguous;

    /**
     * @param code why the operation was refused, not null
     * @param message a description that contains no secret value
     */
    public StageException(ErrorCode code, String message) {
        this(code, message, null, false);
    }

    /**
     * @param code why the operation was refused, not null
     * @param message a description that contains no secret value
     * @param cause the underlying failure, typically from the store
     */
    public StageException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, false);
    }

    /**
     * @param code why the operation was refused, not null
     * @param message a description that contains no secret value
     * @param cause the underlying failure, or null
     * @param ambiguous true only for a {@link ErrorCode#STORE_FAILURE} whose write may have been committed
     * @throws IllegalArgumentException if {@code ambiguous} is true for another code
     */
    public StageException(ErrorCode code, String message, Throwable cause, boolean ambiguous) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        if (ambiguous && code != ErrorCode.STORE_FAILURE) {
            throw new IllegalArgumentException("only a store failure can be ambiguous");
        }
        this.ambiguous = ambiguous;
    }

    /**
     * @return true only for a {@link ErrorCode#STORE_FAILURE} whose write may have been committed (the store lost
     *         the answer to its commit): read the secret to learn the outcome, or retry an idempotent call
     *         (a put with a client token); false when nothing changed
     */
    public boolean ambiguous() {
        return ambiguous;
    }

    /** @return why the operation was refused */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + code + " (" + code.errorCode() + "): " + getMessage();
    }
}
