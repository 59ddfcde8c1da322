package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;

import javax.sql.DataSource;

/** The whole contract kit on H2, encrypted, with a second node over the same database. */
class EncryptedH2ContractTest extends EncryptedStoreContract {
    private static final DataSource DB = TestDatabases.h2ForEnvelopes("encrypted-contract");
    private static final DataSource OTHER_POOL = TestDatabases.h2("encrypted-contract");

    EncryptedH2ContractTest() {
        super(DB, OTHER_POOL);
    }
}
