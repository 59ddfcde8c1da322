/** The etcd store: {@code EtcdStageRepository} over a jetcd {@code Client}. */
module io.secretstages.store.etcd {
    requires transitive io.secretstages.core;
    requires transitive jetcd.core;
    requires jetcd.common;

    exports io.secretstages.store.etcd;
}
