package io.secretstages.store.etcd;

import io.secretstages.store.etcd.testcluster.EtcdCluster;
import io.etcd.jetcd.Client;
import io.secretstages.tck.SharedStorageNodes;
import io.secretstages.tck.Soak;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The soak on a three-member etcd cluster with four nodes (own client, own manager): runs with {@code -Psoak}, a
 * tenth of the soak's operations (every write is a consensus round trip).
 */
class EtcdSoakTest {
    @Test
    void soakFromEightThreadsOnFourNodesOverAThousandSecrets() throws Exception {
        long ops = Long.getLong("secretstages.soak.ops", 0) / 10;
        assumeTrue(ops > 0, "soak runs with -Psoak");
        EtcdCluster.assumeEtcdInstalled();
        try (EtcdCluster cluster = EtcdCluster.start(3);
             SharedStorageNodes<Client> nodes = SharedStorageNodes.start(4, i -> cluster.client(),
                     client -> EtcdStageRepository.builder(client).keyPrefix("soak/").build())) {
            Soak.Report r = new Soak(nodes.managers(), "soak-" + System.nanoTime(), 1_000)
                    .run(8, ops, System.nanoTime());
            assertEquals(ops / 8 * 8, r.operations());
            System.out.printf("soak on etcd, 4 nodes: %,d operations, %,.0f ops/s, %,d checks, %d ms%n",
                    r.operations(), r.opsPerSecond(), r.checks(), r.elapsedMillis());
        }
    }
}
