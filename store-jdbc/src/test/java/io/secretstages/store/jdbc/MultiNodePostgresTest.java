package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.StageManager;
import io.secretstages.tck.ConcurrencyFuzz;
import io.secretstages.tck.MultiNodeRaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Several nodes over one PostgreSQL database: each node is its own {@link JdbcStageRepository} and
 * {@link StageManager} with its own connection pool, so the database is the only thing they share.
 */
class MultiNodePostgresTest {
    private static final int NODES = 4;
    private static final List<HikariDataSource> POOLS = new ArrayList<>();
    private static final List<StageManager> MANAGERS = new ArrayList<>();

    @BeforeAll
    static void startNodes() {
        for (int i = 0; i < NODES; i++) {
            HikariDataSource pool = TestDatabases.postgresPool(3, i % 2 == 0);
            POOLS.add(pool);
            MANAGERS.add(StageManager.builder()
                    .repository(JdbcStageRepository.builder(pool).initializeSchema(true).build())
                    .build());
        }
    }

    @AfterAll
    static void stopNodes() {
        POOLS.forEach(HikariDataSource::close);
    }

    @Test
    void fourNodesRotatingAndGuardedUpdatingTheSameSecrets_exactCountsAndInvariants() throws Exception {
        ConcurrencyFuzz.Report r = MultiNodeRaces.fuzz(MANAGERS, "multinode-" + System.nanoTime(), 2, 500);
        System.out.printf("multi-node fuzz, %d nodes x 2 threads: %s%n", NODES, r);
    }

    @Test
    void exactlyOneWinnerPerGuardedRace() throws Exception {
        MultiNodeRaces.guardedRounds(MANAGERS, "race-" + System.nanoTime(), 40, 2);
    }
}
