package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds stores and managers from {@link SecretStagesProperties}: the auto-configuration uses it for the
 * application's beans, and {@code spring.config.import=secret-stages:...} for the manager it needs before the
 * application context exists.
 */
public final class StageManagerFactory {
    private final SecretStagesProperties properties;

    /**
     * @param properties the validated properties
     */
    public StageManagerFactory(SecretStagesProperties properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /**
     * @param dataSource the database
     * @return the JDBC store over it, with the configured table prefix, its tables created if
     *         {@code secret-stages.jdbc.initialize-schema} says so
     */
    public JdbcStageRepository jdbcRepository(DataSource dataSource) {
        return JdbcStageRepository.builder(dataSource)
                .tablePrefix(properties.getJdbc().getTablePrefix())
                .statementTimeout(properties.getJdbc().getStatementTimeout())
                .networkTimeout(properties.getJdbc().getNetworkTimeout())
                .initializeSchema(initializesSchema(dataSource))
                .build();
    }

    /**
     * @param repository the store
     * @return a builder with the configured limits and caches; add an observer, listeners, a clock, then build
     */
    public StageManager.Builder builder(StageRepository repository) {
        return StageManager.builder()
                .repository(repository)
                .maxStages(properties.getMaxStages())
                .maxVersions(properties.getMaxVersions())
                .writeCacheSize(properties.getWriteCacheSize())
                .callTimeout(properties.getCallTimeout())
                .cache(properties.getCache().toSettings());
    }

    private boolean initializesSchema(DataSource dataSource) {
        switch (properties.getJdbc().getInitializeSchema()) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                return isInMemory(dataSource);
        }
    }

    /** As Spring Boot's schema initialisers judge "embedded": a database that lives only in this JVM's memory. */
    private static boolean isInMemory(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
            return u.startsWith("jdbc:h2:mem:") || u.startsWith("jdbc:hsqldb:mem:") || u.startsWith("jdbc:derby:memory:");
        } catch (SQLException e) {
            throw new IllegalStateException("secret-stages: could not connect to the DataSource to decide "
                    + "secret-stages.jdbc.initialize-schema=embedded: " + e.getMessage(), e);
        }
    }
}
