package io.secretstages;

/** The lifecycle state of a secret (R8), as {@link SecretMetadata} reports it. */
public enum SecretState {
    /** The secret can be read and changed. */
    ENABLED,
    /**
     * Its deletion is scheduled (R8): every change is refused with {@link ErrorCode#SECRET_PENDING_DELETION}, values
     * are hidden, stages and metadata stay readable, and {@link StageManager#restoreSecret} cancels the deletion
     * until its deletion time.
     */
    PENDING_DELETION
}
