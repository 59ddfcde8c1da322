package io.secretstages.spring.boot.config;

import io.secretstages.StageManager;
import io.secretstages.spring.boot.autoconfigure.SecretStagesProperties;
import io.secretstages.spring.boot.autoconfigure.StageManagerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;

/**
 * The {@link StageManager} that {@code spring.config.import=secret-stages:...} reads with before the application
 * context exists: over the JDBC store on the database of {@code spring.datasource.url} (with {@code .username},
 * {@code .password}, {@code .driver-class-name}), configured from {@code secret-stages.*} like the application's own
 * manager, without caches (a handful of reads at start-up). Its connections are not pooled, so nothing outlives
 * start-up.
 */
final class BootstrapStageManager {
    private BootstrapStageManager() {
    }

    static StageManager create(Binder binder) {
        // the Binder sees the application's configuration files and arguments, not yet its beans
        SecretStagesProperties properties = binder.bind(SecretStagesProperties.PREFIX,
                        Bindable.of(SecretStagesProperties.class),
                        new ValidationBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler(),
                                new SecretStagesProperties()))
                .orElseGet(SecretStagesProperties::new);
        String url = binder.bind("spring.datasource.url", String.class).orElse(null);
        if (url == null || !properties.getJdbc().isEnabled()) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "... reads secrets from the database of spring.datasource.url, and "
                    + (url == null ? "none is set where the import is declared (the import sees the configuration "
                    + "loaded before it: put spring.datasource.url in the same file, or in the arguments or "
                    + "environment)" : "secret-stages.jdbc.enabled is false")
                    + "; an in-memory store would start empty. Or register a StageManager with "
                    + "SpringApplication.addBootstrapRegistryInitializer");
        }
        StageManagerFactory factory = new StageManagerFactory(properties);
        return factory.builder(factory.jdbcRepository(dataSource(binder))).cache(null).writeCacheSize(0).build();
    }

    /** The database Spring Boot's DataSource would use (its defaults included, such as H2's user "sa"), unpooled. */
    private static DataSource dataSource(Binder binder) {
        try {
            DataSourceProperties p = binder.bind("spring.datasource", DataSourceProperties.class)
                    .orElseGet(DataSourceProperties::new);
            p.setBeanClassLoader(BootstrapStageManager.class.getClassLoader());
            p.afterPropertiesSet();
            return p.initializeDataSourceBuilder().type(SimpleDriverDataSource.class).build();
        } catch (Exception e) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "...: spring.datasource.* does not describe a database: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "... needs spring-boot-jdbc and spring-jdbc on the class path (spring-boot-starter-jdbc)", e);
        }
    }
}
