package io.secretstages.tck;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The multi-node tests of a store over shared storage (a database, a cluster), which the store's multi-node test
 * class extends: the {@link MultiNodeRaces} fuzz with two threads per node and its exact counts, and 40 rounds of
 * guarded rotations with two contenders per node, exactly one winner each (R20). The nodes are opened once for the
 * class, by {@link #openNodes()}, and closed after its last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MultiNodeContract {
    private SharedStorageNodes<?> nodes;

    /** For the store's multi-node test. */
    protected MultiNodeContract() {
    }

    /**
     * @return the nodes, all over the same storage (a store that cannot run here skips with an assumption)
     */
    protected abstract SharedStorageNodes<?> openNodes();

    @BeforeAll
    final void startNodes() {
        nodes = openNodes();
    }

    @AfterAll
    final void stopNodes() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void fourNodesRotatingAndGuardedUpdatingTheSameSecrets_exactCountsAndInvariants() throws Exception {
        ConcurrencyFuzz.Report r = MultiNodeRaces.fuzz(nodes.managers(), "multinode-" + System.nanoTime(), 2, 500);
        System.out.printf("%s, multi-node fuzz, %d nodes x 2 threads: %s%n", getClass().getSimpleName(),
                nodes.size(), r);
    }

    @Test
    void exactlyOneWinnerPerGuardedRace() throws Exception {
        MultiNodeRaces.guardedRounds(nodes.managers(), "race-" + System.nanoTime(), 40, 2);
    }
}
