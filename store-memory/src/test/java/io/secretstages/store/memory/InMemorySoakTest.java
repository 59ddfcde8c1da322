package io.secretstages.store.memory;

import io.secretstages.StageManager;
import io.secretstages.tck.Soak;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The soak (I6 at scale): runs with {@code mvn -B verify -Psoak}; skipped in the default run. */
class InMemorySoakTest {
    @Test
    void millionOperationsFromEightThreadsOverAThousandSecrets() throws Exception {
        long ops = Long.getLong("secretstages.soak.ops", 0);
        assumeTrue(ops > 0, "soak runs with -Psoak");
        StageManager m = StageManager.builder().repository(new InMemoryStageRepository()).build();
        Soak.Report r = new Soak(List.of(m), "soak", 1_000).run(8, ops, System.nanoTime());
        assertEquals(ops / 8 * 8, r.operations());
        System.out.printf("soak on memory: %,d operations, %,.0f ops/s, %,d checks, %d ms%n",
                r.operations(), r.opsPerSecond(), r.checks(), r.elapsedMillis());
    }
}
