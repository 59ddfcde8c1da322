package io.secretstages.encryption;

import io.secretstages.spi.StageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import io.secretstages.tck.StageRepositoryContract;

/** The whole contract kit on the in-memory store, encrypted. */
class EncryptedMemoryContractTest extends StageRepositoryContract {
    @Override
    protected StageRepository newRepository() {
        return TestKeys.encrypted(new InMemoryStageRepository());
    }

    // The plain stores run the kit at full size; here the default run is shorter (-Psoak runs it whole).
    @Override
    protected int fuzzOpsPerThread() {
        return TestValues.soak() ? super.fuzzOpsPerThread() : 300;
    }

    @Override
    protected int statefulExamples() {
        return TestValues.soak() ? super.statefulExamples() : 60;
    }
}
