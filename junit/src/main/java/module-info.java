/** The JUnit 5 fake: {@code @SecretStagesTest}. */
module io.secretstages.junit {
    requires transitive io.secretstages.core;
    requires transitive io.secretstages.store.memory;
    requires transitive org.junit.jupiter.api;
    requires static io.secretstages.server; // only for CsmsEndpoint; optional at run time

    exports io.secretstages.junit;
    opens io.secretstages.junit to org.junit.platform.commons;
}
