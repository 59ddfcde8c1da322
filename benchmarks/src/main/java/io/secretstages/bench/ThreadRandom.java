package io.secretstages.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.SplittableRandom;

/**
 * A benchmark thread's random source, seeded from the thread's index so that a run's access pattern repeats;
 * the benchmarks' per-thread states extend it with what else a thread keeps.
 */
@State(Scope.Thread)
public class ThreadRandom {
    SplittableRandom random;

    /** @param thread the thread this state belongs to */
    @Setup(Level.Trial)
    public void seed(ThreadParams thread) {
        random = new SplittableRandom(42 + thread.getThreadIndex());
    }
}
