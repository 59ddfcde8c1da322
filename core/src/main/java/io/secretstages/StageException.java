package io.secretstages;

import java.util.Objects;

/**
 * A refused operation. The {@link #code()} says why; the message names the offending parameter or resource but
 * never contains a secret value, and never echoes a malformed input back (it may be anything, a value included).
 * When this exception is thrown by {@link StageManager}, nothing was changed.
 */
public class StageException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Why the operation was refused. */
    private final ErrorCode code;

    /**
     * @param code why the operation was refused, not null
     * @param message a description that contains no secret value
     */
    public StageException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @param code why the operation was refused, not null
     * @param message a description that contains no secret value
     * @param cause the underlying failure, typically from the store
     */
    public StageException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
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
