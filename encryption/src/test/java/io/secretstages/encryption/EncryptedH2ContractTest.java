package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;

/** The whole contract kit on H2, encrypted, with a second node over the same database. */
class EncryptedH2ContractTest extends StageRepositoryContract {
    private static final DataSource DB = TestDatabases.h2("encrypted-contract");
    private static final DataSource OTHER_POOL = TestDatabases.h2("encrypted-contract");

    static {
        JdbcStageRepository.builder(DB).initializeSchema(true).build();
        TestDatabases.execute(DB, TestDatabases.H2_GROW_VALUE_COLUMN);
    }

    @Override
    protected StageRepository newRepository() {
        return TestKeys.encrypted(JdbcStageRepository.builder(DB).build());
    }

    @Override
    protected StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return TestKeys.encrypted(JdbcStageRepository.builder(OTHER_POOL).build());
    }

    // The plain stores run the kit at full size; here the default run is shorter (-Psoak runs it whole).
    @Override
    protected int fuzzOpsPerThread() {
        return TestValues.soak() ? super.fuzzOpsPerThread() : 100;
    }

    @Override
    protected int statefulExamples() {
        return TestValues.soak() ? super.statefulExamples() : 25;
    }
}
