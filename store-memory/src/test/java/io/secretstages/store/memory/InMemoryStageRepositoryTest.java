package io.secretstages.store.memory;

import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

/** Runs the whole contract kit against {@link InMemoryStageRepository}. */
class InMemoryStageRepositoryTest extends StageRepositoryContract {
    @Override
    protected StageRepository newRepository() {
        return new InMemoryStageRepository();
    }
}
