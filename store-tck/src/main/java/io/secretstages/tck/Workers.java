package io.secretstages.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs a step many times on many threads that start together; a failing step fails the run. */
final class Workers {
    /** One operation of one thread. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private Workers() {
    }

    /**
     * @param threads how many threads
     * @param stepsPerThread how many steps each thread runs
     * @param timeout how long to wait for all of them
     * @param stepOfThread the step of thread {@code t} (built before the threads start)
     * @return the elapsed milliseconds
     * @throws Exception the first failure of a step, as the cause of an ExecutionException
     */
    static long run(int threads, long stepsPerThread, Duration timeout, IntFunction<Step> stepOfThread)
            throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Step step = stepOfThread.apply(t);
                futures.add(pool.submit(() -> {
                    start.await();
                    for (long i = 0; i < stepsPerThread; i++) {
                        step.run();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
