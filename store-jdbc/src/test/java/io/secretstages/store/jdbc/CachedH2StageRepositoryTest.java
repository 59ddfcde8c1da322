package io.secretstages.store.jdbc;

import io.secretstages.CacheSettings;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;
import java.time.Duration;

/** The whole contract kit on H2 behind a manager with a read cache. */
class CachedH2StageRepositoryTest extends StageRepositoryContract {
    private static final DataSource DB = TestDatabases.h2("cached-contract");

    static {
        JdbcStageRepository.builder(DB).initializeSchema(true).build();
    }

    @Override
    protected StageRepository newRepository() {
        return JdbcStageRepository.builder(DB).build();
    }

    @Override
    protected StageManager.Builder configure(StageManager.Builder builder) {
        return builder.cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(5)));
    }
}
