/** The in-memory store. */
module io.secretstages.store.memory {
    requires transitive io.secretstages.core;

    exports io.secretstages.store.memory;
}
