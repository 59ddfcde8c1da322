package io.secretstages.store.etcd;

import io.secretstages.store.etcd.testcluster.EtcdCluster;
import io.etcd.jetcd.Client;
import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole contract kit on a real three-member etcd cluster; the second repository (another node) has its own
 * client, connected to the third member only.
 */
class EtcdStageRepositoryTest extends StageRepositoryContract {
    private static EtcdCluster cluster;
    private static Client client;
    private static Client otherClient;

    @BeforeAll
    static void startCluster() {
        EtcdCluster.assumeEtcdInstalled();
        cluster = EtcdCluster.start(3);
        client = cluster.client();
        otherClient = cluster.clientOf(2);
    }

    @AfterAll
    static void stopCluster() {
        if (client != null) {
            client.close();
            otherClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected StageRepository newRepository() {
        return EtcdStageRepository.builder(client).keyPrefix("tck/").build();
    }

    @Override
    protected StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return EtcdStageRepository.builder(otherClient).keyPrefix("tck/").build();
    }

    /** Every write is a consensus round trip: the kit's fuzz runs a quarter of its length here (-Psoak raises it). */
    @Override
    protected int fuzzOpsPerThread() {
        return Math.max(1, super.fuzzOpsPerThread() / 4);
    }

    /** The stateful model test a tenth of its length (300 examples took 3.5 minutes on 2 cores). */
    @Override
    protected int statefulExamples() {
        return Math.max(1, super.statefulExamples() / 10);
    }
}
