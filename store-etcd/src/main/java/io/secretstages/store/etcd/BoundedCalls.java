package io.secretstages.store.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.secretstages.spi.StoreException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd requests with a client-side deadline and turns their failures into {@link StoreException}s. The
 * deadline matters: jetcd waits for a ready connection (gRPC wait-for-ready), so with every member down or frozen a
 * bare call never returns.
 *
 * <p>A read that fails is a clean failure. A write (a transaction) that fails after it may have reached the leader
 * is ambiguous ("outcome unknown"): a timeout, a lost connection, a leader change. Only refusals the server makes
 * before proposing anything (a request too large, too many operations, the space quota, authentication) are clean.
 */
final class BoundedCalls {
    private final long timeoutMillis;

    BoundedCalls(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    <T> T read(CompletableFuture<T> request, String what) {
        return await(request, what, false);
    }

    <T> T write(CompletableFuture<T> request, String what) {
        return await(request, what, true);
    }

    private <T> T await(CompletableFuture<T> request, String what, boolean write) {
        try {
            return request.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.cancel(true);
            throw failure("etcd " + what + " got no answer within the " + timeoutMillis
                    + " ms deadline (no leader, or members down or unreachable)", e, write);
        } catch (InterruptedException e) {
            request.cancel(true);
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for etcd " + what, e, write);
        } catch (ExecutionException e) {
            EtcdException etcd = EtcdExceptionFactory.toEtcdException(e.getCause());
            boolean mayHaveCommitted = write && !refusedBeforeProposal(etcd.getErrorCode());
            throw failure("etcd " + what + " failed: " + etcd.getErrorCode() + " " + etcd.getMessage(), etcd,
                    mayHaveCommitted);
        }
    }

    private static boolean refusedBeforeProposal(ErrorCode code) {
        return code == ErrorCode.INVALID_ARGUMENT || code == ErrorCode.RESOURCE_EXHAUSTED
                || code == ErrorCode.PERMISSION_DENIED || code == ErrorCode.UNAUTHENTICATED
                || code == ErrorCode.FAILED_PRECONDITION;
    }

    private static StoreException failure(String message, Throwable cause, boolean ambiguous) {
        return new StoreException(ambiguous ? message + "; outcome unknown: the write may have been committed"
                : message, cause, ambiguous);
    }
}
