package io.secretstages.spring.boot.config;

import io.secretstages.StageManager;
import io.secretstages.spring.boot.autoconfigure.SecretStagesProperties;
import io.secretstages.spring.boot.autoconfigure.StageManagerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.jdbc.DataSourceBuilder;
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
        SecretStagesProperties properties = binder.bind(SecretStagesProperties.PREFIX,
                        Bindable.of(SecretStagesProperties.class),
                        new ValidationBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler(),
                                new SecretStagesProperties()))
                .orElseGet(SecretStagesProperties::new);
        String url = binder.bind("spring.datasource.url", String.class).orElse(null);
        if (url == null || !properties.getJdbc().isEnabled()) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "... reads secrets from the database of spring.datasource.url, and "
                    + (url == null ? "none is set" : "secret-stages.jdbc.enabled is false")
                    + " (an in-memory store would start empty); or register a StageManager with "
                    + "SpringApplication.addBootstrapRegistryInitializer");
        }
        StageManagerFactory factory = new StageManagerFactory(properties);
        return factory.builder(factory.jdbcRepository(dataSource(binder, url))).cache(null).writeCacheSize(0).build();
    }

    private static DataSource dataSource(Binder binder, String url) {
        try {
            DataSourceBuilder<SimpleDriverDataSource> b = DataSourceBuilder.create(BootstrapStageManager.class
                    .getClassLoader()).type(SimpleDriverDataSource.class).url(url);
            binder.bind("spring.datasource.username", String.class).ifBound(b::username);
            binder.bind("spring.datasource.password", String.class).ifBound(b::password);
            binder.bind("spring.datasource.driver-class-name", String.class).ifBound(b::driverClassName);
            return b.build();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "... needs spring-boot-jdbc and spring-jdbc on the class path (spring-boot-starter-jdbc)", e);
        }
    }
}
