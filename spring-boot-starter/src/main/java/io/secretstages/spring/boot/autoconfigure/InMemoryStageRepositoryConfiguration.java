package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.spi.StageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The in-memory store, when no other store was configured (no {@code DataSource}, or the JDBC store turned off). */
@Configuration(proxyBeanMethods = false)
class InMemoryStageRepositoryConfiguration {

    @Bean
    @ConditionalOnMissingBean(StageRepository.class)
    InMemoryStageRepository secretStagesRepository() {
        return new InMemoryStageRepository();
    }
}
