package io.secretstages.store.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.secretstages.spi.StoreException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a request's failure is reported, without a cluster: a request that never answers fails at the deadline
 * (and is cancelled); a write that may have reached the cluster is "outcome unknown", a read never is; refusals
 * made before anything was proposed are clean.
 */
class BoundedCallsTest {
    private final BoundedCalls calls = new BoundedCalls(Duration.ofMillis(200));

    @Test
    void aRequestThatNeverAnswersFailsAtTheDeadlineAndIsCancelled() {
        CompletableFuture<String> never = new CompletableFuture<>();
        StoreException read = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(StoreException.class, () -> calls.read(never, "read of secret p/s")));
        assertTrue(read.getMessage().contains("200 ms deadline"), read.getMessage());
        assertTrue(read.getMessage().contains("read of secret p/s"), read.getMessage());
        assertFalse(read.getMessage().contains("outcome unknown"), "a read is never ambiguous");
        assertTrue(never.isCancelled());

        StoreException write = assertThrows(StoreException.class,
                () -> calls.write(new CompletableFuture<String>(), "transaction on secret p/s"));
        assertTrue(write.getMessage().contains("outcome unknown"), "a timed-out write may have committed");
    }

    @Test
    void aWriteFailureIsAmbiguousUnlessTheServerRefusedItBeforeProposing() {
        for (ErrorCode code : new ErrorCode[]{ErrorCode.UNAVAILABLE, ErrorCode.DEADLINE_EXCEEDED, ErrorCode.UNKNOWN,
                ErrorCode.INTERNAL, ErrorCode.CANCELLED}) {
            StoreException e = assertThrows(StoreException.class, () -> calls.write(
                    CompletableFuture.failedFuture(EtcdExceptionFactory.newEtcdException(code, "etcdserver: x")), "txn"));
            assertTrue(e.getMessage().contains("outcome unknown"), code + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(code.name()), "the message names the code: " + e.getMessage());
        }
        for (ErrorCode code : new ErrorCode[]{ErrorCode.INVALID_ARGUMENT, ErrorCode.RESOURCE_EXHAUSTED,
                ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED, ErrorCode.FAILED_PRECONDITION}) {
            StoreException e = assertThrows(StoreException.class, () -> calls.write(CompletableFuture.failedFuture(
                    EtcdExceptionFactory.newEtcdException(code, "etcdserver: request is too large")), "txn"));
            assertFalse(e.getMessage().contains("outcome unknown"), code + ": " + e.getMessage());
        }
    }

    @Test
    void aReadFailureIsCleanAndAnAnswerIsReturned() {
        StoreException e = assertThrows(StoreException.class, () -> calls.read(CompletableFuture.failedFuture(
                EtcdExceptionFactory.newEtcdException(ErrorCode.UNAVAILABLE, "etcdserver: no leader")), "read"));
        assertFalse(e.getMessage().contains("outcome unknown"));
        assertTrue(e.getMessage().contains("no leader"), e.getMessage());
        assertEquals("answer", calls.read(CompletableFuture.completedFuture("answer"), "read"));
    }
}
