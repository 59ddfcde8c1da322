package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.StageException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * For fault tests: repeats a call while it fails with {@link ErrorCode#STORE_FAILURE} (the storage is recovering
 * from an injected fault), pausing 50 ms between attempts, until it answers or a deadline passes. Any other
 * refusal, and the failure after the deadline, is thrown.
 */
public final class UntilAnswered {
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private UntilAnswered() {
    }

    /**
     * @param within how long the storage may take to recover
     * @param call   the call, such as a manager operation
     * @param <T>    what it returns
     * @return the first answer
     */
    public static <T> T call(Duration within, Supplier<T> call) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (StageException e) {
                if (e.code() != ErrorCode.STORE_FAILURE || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }
}
