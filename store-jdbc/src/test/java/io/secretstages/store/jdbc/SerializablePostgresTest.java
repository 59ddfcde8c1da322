package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.tck.ConcurrencyFuzz;
import io.secretstages.tck.MultiNodeRaces;
import io.secretstages.tck.SharedStorageNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distributed-SQL readiness: CockroachDB and YugabyteDB run every transaction at SERIALIZABLE and report conflicts
 * as SQLSTATE 40001 (deadlocks as 40P01), which a client must retry. PostgreSQL at SERIALIZABLE raises the same
 * 40001 under contention; the store treats it as a lost race, so the manager retries from a fresh read (R21) and
 * no caller sees it. Four nodes (own pool, own manager), every connection at SERIALIZABLE, the multi-node fuzz's
 * exact counts; the test also checks that serialization failures did happen (else it would prove nothing).
 */
class SerializablePostgresTest {
    private static final int NODES = 4;
    private static SharedStorageNodes<HikariDataSource> nodes;

    @BeforeAll
    static void startNodes() {
        nodes = SharedStorageNodes.start(NODES, SerializablePostgresTest::serializablePool,
                pool -> JdbcStageRepository.builder(pool).initializeSchema(true).build());
    }

    @AfterAll
    static void stopNodes() throws Exception {
        nodes.close();
    }

    private static HikariDataSource serializablePool(int node) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgres().getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(3);
        config.setAutoCommit(node % 2 == 0);
        config.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
        config.setPoolName("pg-serializable-" + node);
        return new HikariDataSource(config);
    }

    @Test
    void fourNodesAtSerializable_serializationFailuresAreLostRaces_exactCountsAndInvariants() throws Exception {
        try (Connection c = nodes.connection(0).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW transaction_isolation")) {
            rs.next();
            assertEquals("serializable", rs.getString(1));
        }
        long before = serializationFailures();
        String project = "serializable-" + System.nanoTime();
        ConcurrencyFuzz.Report r = MultiNodeRaces.fuzz(nodes.managers(), project, 2, 500);
        long failures = serializationFailures() - before;
        assertTrue(failures > 0, "the fuzz met no serialization failure: it proved nothing");
        System.out.printf("PostgreSQL at SERIALIZABLE, %d nodes x 2 threads: %s; %d serialization failures (40001/40P01)"
                + " retried as lost races%n", NODES, r, failures);
    }

    private static long serializationFailures() {
        return CapturingLogProvider.lines().stream()
                .filter(l -> l.contains("lost a race in the database (40001)")
                        || l.contains("lost a race in the database (40P01)"))
                .count();
    }
}
