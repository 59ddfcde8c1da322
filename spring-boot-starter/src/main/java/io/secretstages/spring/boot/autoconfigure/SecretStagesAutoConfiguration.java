package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.CallObserver;
import io.secretstages.StageListener;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures a {@link StageManager}: over the application's {@code DataSource} with the JDBC store when there
 * is one, in memory otherwise, configured from {@code secret-stages.*} ({@link SecretStagesProperties}). A user's own
 * {@link StageManager} or {@link StageRepository} bean wins. Every {@link StageListener} bean is registered, the
 * {@link CallObserver} bean if there is exactly one (the Micrometer binding provides it), then every
 * {@link StageManagerBuilderCustomizer} is applied.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(SecretStagesProperties.class)
@Import({JdbcStageRepositoryConfiguration.class, InMemoryStageRepositoryConfiguration.class,
        CsmsServerConfiguration.class, ServerCredentialsSanitizingConfiguration.class})
public class SecretStagesAutoConfiguration {

    /** Created by Spring. */
    public SecretStagesAutoConfiguration() {
    }

    /**
     * @param repository the store
     * @param properties the {@code secret-stages.*} properties
     * @param observer the call observer, if exactly one is defined
     * @param listeners the change listeners
     * @param customizers the builder customizers
     * @return the manager
     */
    @Bean
    @ConditionalOnMissingBean
    public StageManager stageManager(StageRepository repository, SecretStagesProperties properties,
                                     ObjectProvider<CallObserver> observer, ObjectProvider<StageListener> listeners,
                                     ObjectProvider<StageManagerBuilderCustomizer> customizers) {
        StageManager.Builder builder = new StageManagerFactory(properties).builder(repository);
        observer.ifUnique(builder::observer);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }
}
