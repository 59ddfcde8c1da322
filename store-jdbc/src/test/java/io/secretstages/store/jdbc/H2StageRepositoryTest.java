package io.secretstages.store.jdbc;

import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;

/** The whole contract kit on H2 in memory, with a second repository (another "node") over the same database. */
class H2StageRepositoryTest extends StageRepositoryContract {
    private static final DataSource DB = TestDatabases.h2("contract");
    private static final DataSource OTHER_POOL = TestDatabases.h2("contract");

    static {
        JdbcStageRepository.builder(DB).initializeSchema(true).build();
    }

    @Override
    protected StageRepository newRepository() {
        return JdbcStageRepository.builder(DB).build();
    }

    @Override
    protected StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return JdbcStageRepository.builder(OTHER_POOL).build();
    }
}
