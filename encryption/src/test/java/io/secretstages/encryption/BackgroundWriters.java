package io.secretstages.encryption;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writer threads for the re-wrap-under-concurrent-writers tests: each runs its write over and over until
 * {@link #stop()}, counting writes; {@link #letAWriterIn()} is a re-wrap listener that waits (on a deadline) for at
 * least one write between two secrets. Test code.
 */
final class BackgroundWriters {
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicLong writes = new AtomicLong();
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();

    /**
     * @param threads how many writers
     * @param writeOf for each writer's index, the write it repeats (built on the calling thread)
     */
    BackgroundWriters(int threads, IntFunction<Runnable> writeOf) {
        pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            Runnable write = writeOf.apply(t);
            running.add(pool.submit(() -> {
                while (!done.get()) {
                    write.run();
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
    }

    /** @return the writes done so far */
    long writes() {
        return writes.get();
    }

    /** @return a listener that returns once a write happened since it was called, or after 10 s */
    RewrapListener letAWriterIn() {
        return progress -> {
            long seen = writes.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writes.get() == seen && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // let a writer in between two secrets
            }
        };
    }

    /** Stops the writers, waits for them, and rethrows what any of them threw. */
    void stop() throws Exception {
        done.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "writers stopped");
        for (Future<?> f : running) {
            f.get();
        }
    }
}
