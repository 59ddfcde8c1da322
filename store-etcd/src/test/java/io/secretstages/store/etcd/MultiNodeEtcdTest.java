package io.secretstages.store.etcd;

import io.etcd.jetcd.Client;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.tck.ConcurrencyFuzz;
import io.secretstages.tck.Invariants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four nodes on one three-member etcd cluster: each node is its own jetcd client, {@link EtcdStageRepository} and
 * {@link StageManager}, so the cluster is the only thing they share. The same exact counts as the PostgreSQL
 * multi-node test (4 nodes x 2 threads x 500 operations; 40 guarded races of 8 contenders).
 */
class MultiNodeEtcdTest {
    private static final int NODES = 4;
    private static EtcdCluster cluster;
    private static final List<Client> CLIENTS = new ArrayList<>();
    private static final List<StageManager> MANAGERS = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        EtcdCluster.assumeEtcdInstalled();
        cluster = EtcdCluster.start(3);
        for (int i = 0; i < NODES; i++) {
            Client client = cluster.client();
            CLIENTS.add(client);
            MANAGERS.add(StageManager.builder()
                    .repository(EtcdStageRepository.builder(client).keyPrefix("multinode/").build())
                    .build());
        }
    }

    @AfterAll
    static void stopNodes() {
        CLIENTS.forEach(Client::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void fourNodesRotatingAndGuardedUpdatingTheSameSecrets_exactCountsAndInvariants() throws Exception {
        String project = "multinode-" + System.nanoTime();
        ConcurrencyFuzz.Report r = new ConcurrencyFuzz(interleaved(2), project).run(NODES * 2, 500, System.nanoTime());
        assertEquals(NODES * 2 * 500L, r.operations());
        assertTrue(r.rotationWins() > 0 && r.rotationWins() <= r.rotationAttempts(), r.toString());
        System.out.printf("multi-node fuzz on etcd, %d nodes x 2 threads: %s%n", NODES, r);
    }

    @Test
    void exactlyOneWinnerPerGuardedRace() throws Exception {
        String project = "race-" + System.nanoTime();
        StageManager setup = MANAGERS.get(0);
        setup.createSecret(project, "s", SecretValue.ofString("v1"));
        int rounds = 40;
        int contenders = NODES * 2;
        List<StageManager> nodes = interleaved(2);
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < rounds; round++) {
                String expected = setup.getStage(project, "s", Stages.SYSCURRENT).versionId();
                List<String> candidates = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    candidates.add(setup.putVersion(project, "s", SecretValue.ofString("c" + i),
                            Set.of("c" + (i % 8))).id());
                }
                CyclicBarrier start = new CyclicBarrier(contenders);
                AtomicInteger wins = new AtomicInteger();
                AtomicInteger conflicts = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    StageManager node = nodes.get(i);
                    String target = candidates.get(i);
                    futures.add(pool.submit(() -> {
                        start.await();
                        try {
                            node.updateStage(project, "s", Stages.SYSCURRENT, target, Optional.of(expected));
                            wins.incrementAndGet();
                        } catch (StageException e) {
                            if (e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.VERSION_NOT_FOUND) {
                                throw e;
                            }
                            conflicts.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(2, TimeUnit.MINUTES);
                }
                assertEquals(1, wins.get(), "R20: exactly one winner in round " + round);
                assertEquals(contenders - 1, conflicts.get());
                assertEquals(expected, setup.getStage(project, "s", Stages.SYSPREVIOUS).versionId(), "R12");
                Invariants.checkQuiescent(MANAGERS.get(round % NODES), project, "s");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<StageManager> interleaved(int perNode) {
        List<StageManager> out = new ArrayList<>();
        for (int i = 0; i < perNode; i++) {
            out.addAll(MANAGERS);
        }
        return out;
    }
}
