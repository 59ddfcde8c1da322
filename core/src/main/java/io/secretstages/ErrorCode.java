package io.secretstages;

/**
 * Why an operation was refused. Each code carries the HTTP status and the provider's error code that a server built
 * on the library returns for it. When several refusals apply, R22's order decides, which is not the declaration
 * order below: {@link #INVALID_PARAMETER}, {@link #BUILT_IN_STAGE}, {@link #SECRET_NOT_FOUND},
 * {@link #SECRET_PENDING_DELETION}, {@link #VERSION_NOT_FOUND}, {@link #STAGE_NOT_FOUND}, {@link #CONFLICT},
 * {@link #STAGE_LIMIT_EXCEEDED} (the rule class {@code StageRules} applies them in that order).
 * {@link #SECRET_ALREADY_EXISTS} only comes from creating a secret (R6), where a secret pending deletion answers
 * {@code SECRET_PENDING_DELETION} instead (R8); {@link #STORE_FAILURE} is not a refusal of the request but a
 * failure to carry it out.
 */
public enum ErrorCode {
    /** A name, id, value or stage set is malformed (R1-R5, R7, R10). */
    INVALID_PARAMETER(400, "CSMS.0002"),
    /** A secret of that name already exists in the project (R6). */
    SECRET_ALREADY_EXISTS(400, "CSMS.0002"),
    /** {@code SYSPREVIOUS} was named in a change, or a built-in stage was to be deleted (R13, R19). */
    BUILT_IN_STAGE(400, "CSMS.0105"),
    /** The change would attach more custom stages than the configured limit allows (R14). */
    STAGE_LIMIT_EXCEEDED(400, "CSMS.0203"),
    /** The secret is scheduled for deletion (R8). */
    SECRET_PENDING_DELETION(400, "CSMS.0103"),
    /** No secret of that name exists in the project. */
    SECRET_NOT_FOUND(404, "CSMS.0106"),
    /** No version with that id exists (never issued, or removed by R15). */
    VERSION_NOT_FOUND(404, "CSMS.0005"),
    /** No version holds the stage. */
    STAGE_NOT_FOUND(404, "CSMS.0005"),
    /** A guarded update found another holder than the one it expected (R20). */
    CONFLICT(409, "CSMS.0003"),
    /** The store failed or the call's deadline passed (R21); nothing was half-applied, and unless
     * {@link StageException#ambiguous()} nothing was applied. */
    STORE_FAILURE(500, "CSMS.0001");

    private final int httpStatus;
    private final String errorCode;

    ErrorCode(int httpStatus, String errorCode) {
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** @return the HTTP status a server returns for this refusal (400, 404, 409 or 500) */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return the provider's error code, for example {@code "CSMS.0105"} */
    public String errorCode() {
        return errorCode;
    }
}
