package io.secretstages.store.etcd;

import io.secretstages.store.etcd.testcluster.EtcdCluster;
import io.etcd.jetcd.Client;
import io.secretstages.StageManager;
import io.secretstages.tck.ConcurrencyFuzz;
import io.secretstages.tck.MultiNodeRaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

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
        ConcurrencyFuzz.Report r = MultiNodeRaces.fuzz(MANAGERS, "multinode-" + System.nanoTime(), 2, 500);
        System.out.printf("multi-node fuzz on etcd, %d nodes x 2 threads: %s%n", NODES, r);
    }

    @Test
    void exactlyOneWinnerPerGuardedRace() throws Exception {
        MultiNodeRaces.guardedRounds(MANAGERS, "race-" + System.nanoTime(), 40, 2);
    }
}
