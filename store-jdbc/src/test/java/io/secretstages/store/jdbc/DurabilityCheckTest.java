package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.StoreException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up check of issue 12: a database that can lose acknowledged commits on a process crash (an H2 file with
 * WRITE_DELAY above 0, an SQLite file without WAL and synchronous=FULL, or SQLite without foreign keys) is refused
 * unless {@code allowDelayedWrites(true)} (then a WARN), and {@link DurableJdbcUrl} opens each as it must be.
 */
class DurabilityCheckTest {

    private static JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    @Test
    void anH2FileWithItsDefaultWriteDelayIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("stages").toAbsolutePath();
        StoreException e = assertThrows(StoreException.class,
                () -> JdbcStageRepository.builder(h2(url)).initializeSchema(true).build());
        assertTrue(e.getMessage().contains("WRITE_DELAY=500") && e.getMessage().contains("DurableJdbcUrl"),
                e.getMessage());
        assertTrue(e.getMessage().contains("allowDelayedWrites"), e.getMessage());
        // nothing was created: the same file opened durably has no tables
        StageException noTables = assertThrows(StageException.class, () -> StageManager.builder()
                .repository(JdbcStageRepository.builder(h2(DurableJdbcUrl.of(url))).build()).build()
                .createSecret("p", "s", SecretValue.ofString("x")));
        assertTrue(noTables.getCause().getMessage().contains("SQLState 42S04"), noTables.getCause().getMessage());
    }

    @Test
    void anH2FileWithADelayIsAcceptedWithAWarningWhenTheUserOptsIn(@TempDir Path dir) {
        String url = "jdbc:h2:file:" + dir.resolve("stages").toAbsolutePath() + ";WRITE_DELAY=200";
        int before = CapturingLogProvider.lines().size();
        JdbcStageRepository.builder(h2(url)).allowDelayedWrites(true).initializeSchema(true).build();
        assertTrue(CapturingLogProvider.lines().subList(before, CapturingLogProvider.lines().size()).stream()
                .anyMatch(l -> l.startsWith("WARN") && l.contains("WRITE_DELAY=200")), "a WARN names the delay");
    }

    @Test
    void durableUrlsAndInMemoryDatabasesPass(@TempDir Path dir) {
        String file = "jdbc:h2:file:" + dir.resolve("stages").toAbsolutePath();
        assertEquals(file + ";WRITE_DELAY=0", DurableJdbcUrl.of(file));
        JdbcStageRepository.builder(h2(DurableJdbcUrl.of(file))).initializeSchema(true).build();
        JdbcStageRepository.builder(h2("jdbc:h2:mem:durability-check;DB_CLOSE_DELAY=-1")).initializeSchema(true)
                .build();
        // DriverManagerDataSource completes the URL itself
        JdbcStageRepository.builder(new DriverManagerDataSource(file, "sa", "")).build();
        assertEquals(file + ";write_delay=100", DurableJdbcUrl.of(file + ";write_delay=100"), "a named delay is kept");
        assertEquals("jdbc:postgresql://localhost/app", DurableJdbcUrl.of("jdbc:postgresql://localhost/app"));
        assertEquals("jdbc:h2:mem:x", DurableJdbcUrl.of("jdbc:h2:mem:x"));
    }

    @Test
    void sqliteWithoutWalOrForeignKeysIsRefusedAndItsDurableUrlPasses(@TempDir Path dir) throws Exception {
        String plain = "jdbc:sqlite:" + dir.resolve("stages.db").toAbsolutePath();
        StoreException noKeys = assertThrows(StoreException.class,
                () -> JdbcStageRepository.builder(sqlite(plain)).build());
        assertTrue(noKeys.getMessage().contains("foreign keys"), noKeys.getMessage());
        StoreException noWal = assertThrows(StoreException.class, () -> JdbcStageRepository.builder(
                sqlite(plain + "?foreign_keys=true")).build());
        assertTrue(noWal.getMessage().contains("journal_mode=delete"), noWal.getMessage());
        String durable = DurableJdbcUrl.of(plain);
        assertEquals(plain + "?journal_mode=WAL&synchronous=FULL&foreign_keys=true&busy_timeout=10000", durable);
        try (HikariDataSource pool = TestDatabases.sqlite(dir.resolve("stages.db"), 2)) {
            StageManager m = StageManager.builder()
                    .repository(JdbcStageRepository.builder(pool).initializeSchema(true).build()).build();
            m.createSecret("p", "s", SecretValue.ofString("x"));
            assertEquals("v2", m.putVersion("p", "s", SecretValue.ofString("y")).id());
        }
        assertEquals("jdbc:sqlite::memory:", DurableJdbcUrl.of("jdbc:sqlite::memory:"));
    }

    private static org.sqlite.SQLiteDataSource sqlite(String url) {
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl(url);
        return ds;
    }

    @Test
    void timeoutsMustNotBeNegative() {
        JdbcStageRepository.Builder b = JdbcStageRepository.builder(h2("jdbc:h2:mem:t"));
        assertThrows(IllegalArgumentException.class, () -> b.statementTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.networkTimeout(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> b.networkTimeout(null));
        assertFalse(b.statementTimeout(Duration.ZERO).networkTimeout(Duration.ZERO).build().toString().isEmpty());
    }
}
