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
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

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
        return factory.builder(factory.jdbcRepository(dataSource(binder, loginTimeout(properties))))
                .cache(null).writeCacheSize(0).build();
    }

    /**
     * @return the bound of a login: the network timeout, else the statement timeout, else none (zero). The store
     *         bounds each call once it has a connection; an unpooled connection has no pool's wait to bound its login.
     */
    private static Duration loginTimeout(SecretStagesProperties properties) {
        Duration network = properties.getJdbc().getNetworkTimeout();
        return network != null && !network.isZero() ? network
                : Objects.requireNonNullElse(properties.getJdbc().getStatementTimeout(), Duration.ZERO);
    }

    /**
     * The database Spring Boot's DataSource would use (its defaults included, such as H2's user "sa"), unpooled; on
     * PostgreSQL its login is bounded ({@code loginTimeout} and {@code connectTimeout}, whole seconds rounded up), so
     * that a server that accepts connections and never answers fails start-up instead of hanging it.
     */
    private static DataSource dataSource(Binder binder, Duration loginTimeout) {
        try {
            DataSourceProperties p = binder.bind("spring.datasource", DataSourceProperties.class)
                    .orElseGet(DataSourceProperties::new);
            p.setBeanClassLoader(BootstrapStageManager.class.getClassLoader());
            p.afterPropertiesSet();
            SimpleDriverDataSource dataSource = p.initializeDataSourceBuilder().type(SimpleDriverDataSource.class)
                    .build();
            String url = p.determineUrl();
            if (!loginTimeout.isZero() && url != null
                    && url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
                Properties login = new Properties();
                String seconds = Long.toString(Math.max(1, (loginTimeout.toMillis() + 999) / 1000));
                login.setProperty("loginTimeout", seconds);
                login.setProperty("connectTimeout", seconds);
                dataSource.setConnectionProperties(login);
            }
            return dataSource;
        } catch (Exception e) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "...: spring.datasource.* does not describe a database: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("spring.config.import=" + SecretStagesConfigDataLocationResolver.PREFIX
                    + "... needs spring-boot-jdbc and spring-jdbc on the class path (spring-boot-starter-jdbc)", e);
        }
    }
}
