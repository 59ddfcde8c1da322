package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.tck.SharedStorageNodes;
import io.secretstages.tck.Soak;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The soak on PostgreSQL with four nodes (own pool, own manager): runs with {@code -Psoak}. */
class PostgresSoakTest {
    @Test
    void millionOperationsFromEightThreadsOnFourNodesOverAThousandSecrets() throws Exception {
        long ops = Long.getLong("secretstages.soak.ops", 0);
        assumeTrue(ops > 0, "soak runs with -Psoak");
        try (SharedStorageNodes<HikariDataSource> nodes = SharedStorageNodes.start(4,
                i -> TestDatabases.postgresPool(2, true),
                pool -> JdbcStageRepository.builder(pool).initializeSchema(true).build())) {
            Soak.Report r = new Soak(nodes.managers(), "soak-" + System.nanoTime(), 1_000)
                    .run(8, ops, System.nanoTime());
            assertEquals(ops / 8 * 8, r.operations());
            System.out.printf("soak on PostgreSQL, 4 nodes: %,d operations, %,.0f ops/s, %,d checks, %d ms%n",
                    r.operations(), r.opsPerSecond(), r.checks(), r.elapsedMillis());
        }
    }
}
