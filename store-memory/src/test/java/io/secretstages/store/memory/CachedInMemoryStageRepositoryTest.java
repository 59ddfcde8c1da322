package io.secretstages.store.memory;

import io.secretstages.CacheSettings;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

import java.time.Duration;

/** The whole contract kit on the in-memory store behind a manager with a read cache. */
class CachedInMemoryStageRepositoryTest extends StageRepositoryContract {
    @Override
    protected StageRepository newRepository() {
        return new InMemoryStageRepository();
    }

    @Override
    protected StageManager.Builder configure(StageManager.Builder builder) {
        return builder.cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(5)).maximumSize(1_000));
    }
}
