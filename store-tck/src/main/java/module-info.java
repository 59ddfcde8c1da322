/** The contract kit every store runs: extend {@code io.secretstages.tck.StageRepositoryContract}. */
module io.secretstages.tck {
    requires transitive io.secretstages.core;
    requires transitive org.junit.jupiter.api;
    requires quicktheories;

    exports io.secretstages.tck;
    opens io.secretstages.tck to org.junit.platform.commons;
}
