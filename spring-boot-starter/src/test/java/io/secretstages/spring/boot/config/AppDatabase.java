package io.secretstages.spring.boot.config;

import io.secretstages.StageManager;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The H2 database an application under test opens through {@code spring.datasource.url}, as an administrator sees
 * it before the application starts: the secrets it imports exist already, as they would in a shared database.
 */
final class AppDatabase {
    private AppDatabase() {
    }

    /**
     * @param url the application's {@code spring.datasource.url} (an in-memory H2 that outlives its connections)
     * @return a manager over that database, its schema created
     */
    static StageManager admin(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa"); // Spring Boot's default user for an embedded H2
        return StageManager.builder().repository(JdbcStageRepository.builder(ds).initializeSchema(true).build())
                .build();
    }
}
