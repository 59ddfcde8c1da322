package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.StageManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code secretStages} health indicator ({@link StageManagerHealthIndicator}) when Spring Boot's health support
 * is on the class path; {@code management.health.secret-stages.enabled=false} turns it off.
 */
@AutoConfiguration(after = SecretStagesAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(StageManager.class)
@ConditionalOnEnabledHealthIndicator("secret-stages")
public class SecretStagesHealthAutoConfiguration {

    /** Created by Spring. */
    public SecretStagesHealthAutoConfiguration() {
    }

    /**
     * @param manager the manager whose store is probed
     * @param properties the {@code secret-stages.*} properties
     * @return the health indicator, registered as {@code secretStages}
     */
    @Bean(name = "secretStagesHealthIndicator")
    @ConditionalOnMissingBean(name = "secretStagesHealthIndicator")
    public StageManagerHealthIndicator secretStagesHealthIndicator(StageManager manager,
                                                                   SecretStagesProperties properties) {
        return new StageManagerHealthIndicator(manager, properties.getHealth().getProbeProject(),
                properties.getHealth().getTimeout());
    }
}
