package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/** The JDBC store over the application's {@code DataSource}, when it has exactly one (or one primary). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({DataSource.class, JdbcStageRepository.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnBooleanProperty(name = "secret-stages.jdbc.enabled", matchIfMissing = true)
class JdbcStageRepositoryConfiguration {

    @Bean
    @ConditionalOnMissingBean(StageRepository.class)
    JdbcStageRepository secretStagesRepository(DataSource dataSource, SecretStagesProperties properties) {
        return new StageManagerFactory(properties).jdbcRepository(dataSource);
    }
}
