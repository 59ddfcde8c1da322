package io.secretstages.encryption;

import io.secretstages.store.memory.InMemoryStageRepository;

/** The whole contract kit on the in-memory store, encrypted. */
class EncryptedMemoryContractTest extends EncryptedStoreContract {
    EncryptedMemoryContractTest() {
        super(InMemoryStageRepository::new, null, 300, 60);
    }
}
