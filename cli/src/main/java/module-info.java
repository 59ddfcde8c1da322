/** stagectl: the command-line tool. */
module io.secretstages.cli {
    requires io.secretstages.store.jdbc;
    requires info.picocli;
    requires java.logging;

    opens io.secretstages.cli to info.picocli;
}
