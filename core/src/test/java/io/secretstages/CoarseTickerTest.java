package io.secretstages;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caches' millisecond ticker: it follows the clock, and its thread ends once no cache uses it (no leak). */
class CoarseTickerTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void followsTheClockWithinAFewMilliseconds() {
        CoarseTicker ticker = new CoarseTicker();
        Object owner = new Object();
        ticker.register(owner);
        long start = System.nanoTime();
        long first = ticker.read();
        while (ticker.read() == first) {
            assertTrue(System.nanoTime() - start < DEADLINE_NANOS, "the ticker never advanced");
            Thread.onSpinWait();
        }
        long read = ticker.read();
        long lag = System.nanoTime() - read; // the clock read after the ticker's: a ticker ahead of it fails here
        assertTrue(lag >= 0, "never ahead of the clock: " + lag + " ns");
        assertTrue(lag < TimeUnit.SECONDS.toNanos(1), "far below any staleness bound: " + lag + " ns");
        assertTrue(ticker.running());
        java.lang.ref.Reference.reachabilityFence(owner);
    }

    @Test
    void theThreadEndsOnceEveryOwnerIsCollected_andStartsAgainForTheNext() {
        CoarseTicker ticker = new CoarseTicker();
        ticker.register(new Object());
        ticker.register(new Object());
        assertTrue(ticker.running());
        awaitStopped(ticker);
        Object next = new Object();
        ticker.register(next);
        assertTrue(ticker.running(), "a new owner starts it again");
        java.lang.ref.Reference.reachabilityFence(next);
        next = null;
        awaitStopped(ticker);
    }

    @Test
    void aCachedManagerExpiresEntriesOnTheSharedTicker() {
        MapStore store = new MapStore();
        StageManager writer = StageManager.builder().repository(store).build();
        StageManager cached = StageManager.builder().repository(store)
                .cache(CacheSettings.expireAfterWrite(Duration.ofMillis(50))).build();
        writer.createSecret("p", "s", SecretValue.ofString("one"));
        cached.getStage("p", "s", Stages.SYSCURRENT);
        assertTrue(CoarseTicker.SHARED.running());
        writer.putVersion("p", "s", SecretValue.ofString("two"));  // another node's write
        long start = System.nanoTime();
        while (!cached.getStage("p", "s", Stages.SYSCURRENT).versionId().equals("v2")) {
            assertTrue(System.nanoTime() - start < DEADLINE_NANOS, "the entry never expired");
            Thread.onSpinWait();
        }
    }

    private static void awaitStopped(CoarseTicker ticker) {
        long start = System.nanoTime();
        while (ticker.running()) {
            assertFalse(System.nanoTime() - start > DEADLINE_NANOS, "the ticker thread outlived its owners");
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
