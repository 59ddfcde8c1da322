package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No SQL is built from input: every text the store hands the driver, over a workload with random names, ids and
 * values, is one of the constant statements of the dialect's {@link DialectStatements} (or the shipped DDL), and none contains any input.
 */
class SqlIsConstantTest {
    private static Set<String> constants(SqlDialect dialect) throws IllegalAccessException {
        DialectStatements s = dialect.statements("ss_");
        Set<String> out = new HashSet<>(SchemaInitializer.ddl(dialect, "ss_"));
        for (Class<?> type = s.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field f : type.getDeclaredFields()) {
                if (f.getType() == String.class && !java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    out.add((String) f.get(s));
                }
            }
        }
        out.addAll(s.schemaPreamble());
        out.addAll(s.durabilityChecks());
        return out;
    }

    private static void workload(CountingDataSource ds, List<String> inputs) {
        StageManager m = StageManager.builder().repository(JdbcStageRepository.builder(ds.dataSource)
                .initializeSchema(true).build()).build();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 30; i++) {
            String p = "Pq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            String s = "Sq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            String stage = "Tq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            String value = "Vq" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
            inputs.addAll(List.of(p, s, stage, value));
            m.createSecret(p, s, SecretValue.ofString(value));
            m.putVersion(p, s, SecretValue.ofString(value), Set.of(stage, Stages.SYSCURRENT));
            m.updateStage(p, s, stage, "v1");
            m.updateStage(p, s, Stages.SYSCURRENT, "v1", Optional.of("v2"));
            m.getStage(p, s, stage);
            m.getVersion(p, s, "latest");
            m.listStages(p, s);
            m.deleteStage(p, s, stage);
            m.updateDescription(p, s, "Dq" + value);
            m.putVersion(p, s, SecretValue.ofString(value), Set.of(Stages.SYSCURRENT), Optional.empty(),
                    Optional.of(java.time.Instant.ofEpochMilli(r.nextLong(9_999_999_999_999L))));
            m.updateVersionExpiry(p, s, "v1", Optional.of(java.time.Instant.ofEpochMilli(1234)));
            m.listSecrets(p);
            try {
                m.createSecret(p, s, SecretValue.ofString(value));
            } catch (StageException expected) {
                // the duplicate insert is refused by the database's key
            }
            m.deleteSecret(p, s);
        }
    }

    @Test
    void everyStatementIsAConstantPreparedStatement() throws Exception {
        java.nio.file.Path sqlite = java.nio.file.Files.createTempDirectory("constant-sql").resolve("stages.db");
        for (SqlDialect dialect : List.of(SqlDialect.H2, SqlDialect.POSTGRESQL, SqlDialect.SQLITE)) {
            CountingDataSource ds = new CountingDataSource(dialect == SqlDialect.H2 ? TestDatabases.h2("constant-sql")
                    : dialect == SqlDialect.SQLITE ? TestDatabases.sqlite(sqlite, 2)
                    : TestDatabases.postgres().getPostgresDatabase());
            List<String> inputs = new java.util.ArrayList<>();
            workload(ds, inputs);
            Set<String> allowed = constants(dialect);
            Set<String> seen = new HashSet<>(ds.sql);
            assertTrue(seen.size() >= 8, dialect + ": the workload used the statements: " + seen);
            for (String sql : seen) {
                assertTrue(allowed.contains(sql), dialect + ": not a constant statement: " + sql);
                for (String input : inputs) {
                    assertFalse(sql.contains(input), dialect + ": input in SQL text: " + sql);
                }
            }
            System.out.printf("constant SQL on %s: %d distinct statements, all constants, over %d inputs%n",
                    dialect, seen.size(), inputs.size());
        }
    }
}
