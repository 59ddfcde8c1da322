package io.secretstages.encryption;

import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.jdbc.TestDatabases;

import javax.sql.DataSource;

/** The whole contract kit on a real PostgreSQL, encrypted, with a second node over its own pool. */
class EncryptedPostgresContractTest extends EncryptedStoreContract {
    private static final DataSource DB = TestDatabases.postgresPool(8);
    private static final DataSource OTHER_POOL = TestDatabases.postgresPool(4);

    static {
        JdbcStageRepository.builder(DB).initializeSchema(true).build();
    }

    EncryptedPostgresContractTest() {
        super(DB, OTHER_POOL);
    }
}
