package io.secretstages.store.jdbc;

import io.secretstages.StageManager;
import io.secretstages.tck.MultiNodeContract;
import io.secretstages.tck.SharedStorageNodes;

/**
 * Four nodes over one PostgreSQL database ({@link MultiNodeContract}): each node is its own
 * {@link JdbcStageRepository} and {@link StageManager} with its own connection pool (half of them auto-commit), so
 * the database is the only thing they share.
 */
class MultiNodePostgresTest extends MultiNodeContract {
    @Override
    protected SharedStorageNodes<?> openNodes() {
        return SharedStorageNodes.start(4, i -> TestDatabases.postgresPool(3, i % 2 == 0),
                pool -> JdbcStageRepository.builder(pool).initializeSchema(true).build());
    }
}
