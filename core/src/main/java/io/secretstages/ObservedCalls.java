package io.secretstages;

import io.secretstages.spi.SecretKey;

/**
 * Runs each public call of a {@link StageManager} under its {@link CallObserver}: {@code start} before any
 * validation, {@code end} exactly once with the outcome ({@code null}, the refusal's code, or STORE_FAILURE for
 * anything else thrown).
 */
final class ObservedCalls {
    /** A call on one secret, given its validated key (R1, R2). */
    @FunctionalInterface
    interface OnSecret<T> {
        T apply(CallObserver.Call call, SecretKey key);
    }

    /** A call on no single secret (listing, purging). */
    @FunctionalInterface
    interface Unkeyed<T> {
        T apply(CallObserver.Call call);
    }

    private final CallObserver observer;

    ObservedCalls(CallObserver observer) {
        this.observer = observer;
    }

    /** Validates the project (R1) and the secret name (R2) inside the observed call, then runs {@code body}. */
    <T> T onSecret(String operation, String projectId, String secretName, OnSecret<T> body) {
        CallObserver.Call call = observer.start(operation, projectId, secretName);
        T result;
        try {
            Inputs.projectId(projectId);
            Inputs.secretName(secretName);
            result = body.apply(call, new SecretKey(projectId, secretName));
        } catch (RuntimeException | Error e) {
            endFailed(call, e);
            throw e;
        }
        call.end(null);
        return result;
    }

    <T> T run(String operation, String projectId, String secretName, Unkeyed<T> body) {
        CallObserver.Call call = observer.start(operation, projectId, secretName);
        T result;
        try {
            result = body.apply(call);
        } catch (RuntimeException | Error e) {
            endFailed(call, e);
            throw e;
        }
        call.end(null);
        return result;
    }

    /** Ends {@code call} with what {@code e} means: its refusal's code, else STORE_FAILURE. */
    private static void endFailed(CallObserver.Call call, Throwable e) {
        call.end(e instanceof StageException refusal ? refusal.code() : ErrorCode.STORE_FAILURE);
    }
}
