package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races between several nodes (one {@link StageManager} each, over one shared storage: a database, a cluster), for
 * the multi-node tests of stores over shared storage: the concurrency fuzz spread over the nodes, and rounds of
 * guarded rotations (R20) in which contenders on every node move {@code SYSCURRENT} from the same expected holder at
 * once. {@link #guardedRound} is the building block for tests that inject faults during a round.
 */
public final class MultiNodeRaces {
    /** How long a contender may take before the round fails. */
    private static final long CONTENDER_TIMEOUT_MINUTES = 2;

    /**
     * What the contenders of one guarded round were told.
     *
     * @param acknowledged the targets whose update returned
     * @param refused the targets whose update was refused, by code (only the codes the round accepted)
     */
    public record Round(List<String> acknowledged, Map<ErrorCode, List<String>> refused) {
        /**
         * @param code a refusal
         * @return how many contenders were refused with it
         */
        public int refusedWith(ErrorCode code) {
            return refused.getOrDefault(code, List.of()).size();
        }

        /** @return how many contenders were refused, with any accepted code */
        public int refusals() {
            return refused.values().stream().mapToInt(List::size).sum();
        }
    }

    private MultiNodeRaces() {
    }

    /**
     * @param nodes one manager per node
     * @param threadsPerNode how many threads use each node
     * @return the nodes repeated, so that consecutive threads use different nodes
     */
    public static List<StageManager> interleaved(List<StageManager> nodes, int threadsPerNode) {
        List<StageManager> out = new ArrayList<>();
        for (int i = 0; i < threadsPerNode; i++) {
            out.addAll(nodes);
        }
        return out;
    }

    /**
     * The {@link ConcurrencyFuzz} with {@code threadsPerNode} threads on each node, its exact counts asserted: every
     * operation ran and at least one guarded rotation won.
     *
     * @param nodes one manager per node
     * @param project a project nobody else uses
     * @param threadsPerNode threads per node
     * @param opsPerThread operations per thread
     * @return the fuzz's report
     * @throws Exception a worker's failure
     */
    public static ConcurrencyFuzz.Report fuzz(List<StageManager> nodes, String project, int threadsPerNode,
                                              int opsPerThread) throws Exception {
        int threads = nodes.size() * threadsPerNode;
        ConcurrencyFuzz.Report r = new ConcurrencyFuzz(interleaved(nodes, threadsPerNode), project)
                .run(threads, opsPerThread, System.nanoTime());
        assertEquals((long) threads * opsPerThread, r.operations());
        assertTrue(r.rotationWins() > 0 && r.rotationWins() <= r.rotationAttempts(), r.toString());
        return r;
    }

    /**
     * Rounds of guarded rotations on one secret, {@code threadsPerNode} contenders per node, each moving
     * {@code SYSCURRENT} to its own fresh version from the same expected holder. Asserts per round: exactly one
     * winner (R20), every other contender refused (CONFLICT, or VERSION_NOT_FOUND if R15 removed its target),
     * {@code SYSPREVIOUS} on the former holder (R12), and the invariants.
     *
     * @param nodes one manager per node; the first also sets each round up
     * @param project a project nobody else uses
     * @param rounds how many rounds
     * @param threadsPerNode contenders per node
     * @throws Exception a contender's failure
     */
    public static void guardedRounds(List<StageManager> nodes, String project, int rounds, int threadsPerNode)
            throws Exception {
        StageManager setup = nodes.get(0);
        setup.createSecret(project, "s", SecretValue.ofString("v1"));
        List<StageManager> contenders = interleaved(nodes, threadsPerNode);
        ExecutorService pool = Executors.newFixedThreadPool(contenders.size());
        try {
            for (int round = 0; round < rounds; round++) {
                String expected = setup.getStage(project, "s", Stages.SYSCURRENT).versionId();
                List<String> targets = new ArrayList<>();
                for (int i = 0; i < contenders.size(); i++) {
                    targets.add(setup.putVersion(project, "s", SecretValue.ofString("c" + i),
                            Set.of("c" + (i % 8))).id());
                }
                Round r = guardedRound(pool, new CyclicBarrier(contenders.size()), contenders, project, "s",
                        targets, expected, Set.of(ErrorCode.CONFLICT, ErrorCode.VERSION_NOT_FOUND));
                assertEquals(1, r.acknowledged().size(), "R20: exactly one winner in round " + round);
                assertEquals(contenders.size() - 1, r.refusals());
                assertEquals(expected, setup.getStage(project, "s", Stages.SYSPREVIOUS).versionId(), "R12");
                Invariants.checkQuiescent(nodes.get(round % nodes.size()), project, "s");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One guarded round: contender {@code i} waits at {@code start}, then moves {@code SYSCURRENT} to
     * {@code targets.get(i)} expecting {@code expected} to hold it. A barrier with more parties than contenders lets
     * the caller release something else with them (a fault).
     *
     * @param pool runs the contenders; at least {@code contenders.size()} threads besides the caller's other tasks
     * @param start the barrier the contenders start from
     * @param contenders one manager per contender
     * @param project the project
     * @param secret the secret
     * @param targets one version id per contender
     * @param expected the holder every contender expects
     * @param accepted the refusals a contender may get; any other is rethrown
     * @return what the contenders were told
     * @throws Exception a contender's failure (wrapped), or a contender still running after two minutes
     */
    public static Round guardedRound(ExecutorService pool, CyclicBarrier start, List<StageManager> contenders,
                                     String project, String secret, List<String> targets, String expected,
                                     Set<ErrorCode> accepted) throws Exception {
        List<String> acknowledged = new ArrayList<>();
        Map<ErrorCode, List<String>> refused = new EnumMap<>(ErrorCode.class);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < contenders.size(); i++) {
            StageManager node = contenders.get(i);
            String target = targets.get(i);
            futures.add(pool.submit(() -> {
                start.await();
                try {
                    node.updateStage(project, secret, Stages.SYSCURRENT, target, Optional.of(expected));
                    synchronized (acknowledged) {
                        acknowledged.add(target);
                    }
                } catch (StageException e) {
                    if (!accepted.contains(e.code())) {
                        throw e;
                    }
                    synchronized (refused) {
                        refused.computeIfAbsent(e.code(), c -> new ArrayList<>()).add(target);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(CONTENDER_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        }
        synchronized (acknowledged) {
            synchronized (refused) {
                return new Round(List.copyOf(acknowledged), Map.copyOf(refused));
            }
        }
    }
}
