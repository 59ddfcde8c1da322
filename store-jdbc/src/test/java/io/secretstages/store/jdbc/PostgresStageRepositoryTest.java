package io.secretstages.store.jdbc;

import io.secretstages.spi.StageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;

/** The whole contract kit on a real PostgreSQL, with a second repository over its own pool (another node). */
class PostgresStageRepositoryTest extends StageRepositoryContract {
    private static final DataSource DB = TestDatabases.postgresPool(8, true);
    private static final DataSource OTHER_POOL = TestDatabases.postgresPool(4, false);

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
