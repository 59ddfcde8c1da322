package io.secretstages.store.etcd;

import io.secretstages.store.etcd.testcluster.EtcdCluster;
import io.secretstages.StageManager;
import io.secretstages.tck.MultiNodeContract;
import io.secretstages.tck.SharedStorageNodes;

/**
 * Four nodes on one three-member etcd cluster ({@link MultiNodeContract}): each node is its own jetcd client,
 * {@link EtcdStageRepository} and {@link StageManager}, so the cluster is the only thing they share. The same exact
 * counts as the PostgreSQL multi-node test (4 nodes x 2 threads x 500 operations; 40 guarded races of 8 contenders).
 */
class MultiNodeEtcdTest extends MultiNodeContract {
    @Override
    protected SharedStorageNodes<?> openNodes() {
        EtcdCluster.assumeEtcdInstalled();
        EtcdCluster cluster = EtcdCluster.start(3);
        try {
            return SharedStorageNodes.start(4, i -> cluster.client(),
                    client -> EtcdStageRepository.builder(client).keyPrefix("multinode/").build()).thenClose(cluster);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }
}
