/** stagectl: the command-line tool. */
module io.secretstages.cli {
    requires io.secretstages.store.jdbc;
    requires io.secretstages.encryption;
    requires info.picocli;
    requires io.secretstages.server;
    requires io.secretstages.store.memory;
    requires io.secretstages.store.etcd;
    requires java.logging;

    opens io.secretstages.cli to info.picocli;
}
