package io.secretstages.spring.boot.config;

import io.secretstages.ErrorCode;
import io.secretstages.SecretReader;
import io.secretstages.SecretVersion;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.core.env.MapPropertySource;

import java.util.List;

/**
 * Loads one {@link SecretStagesConfigDataResource}: reads the version holding its stage through the bootstrap
 * context's {@link StageManager} and makes a property source named after the location (see
 * {@link SecretStagesConfigDataLocationResolver}) whose properties are the value (a JSON object's keys, else one
 * property named by the secret). A missing secret or stage fails start-up with Spring Boot's "config data resource
 * cannot be found" report unless the location is {@code optional:}; a store failure always fails it. Registered in
 * {@code META-INF/spring.factories}.
 */
public class SecretStagesConfigDataLoader implements ConfigDataLoader<SecretStagesConfigDataResource> {

    /** Created by Spring Boot from {@code spring.factories}. */
    public SecretStagesConfigDataLoader() {
    }

    @Override
    public ConfigData load(ConfigDataLoaderContext context, SecretStagesConfigDataResource resource) {
        SecretReader stages = context.getBootstrapContext().get(StageManager.class); // it only reads
        SecretVersion version;
        try {
            version = stages.getVersionByStage(resource.projectId(), resource.secretName(), resource.stage());
        } catch (StageException e) {
            if (e.code() == ErrorCode.SECRET_NOT_FOUND || e.code() == ErrorCode.STAGE_NOT_FOUND) {
                throw new ConfigDataResourceNotFoundException(resource, e);
            }
            throw new IllegalStateException("spring.config.import could not read " + resource + " ("
                    + e.code() + "): " + e.getMessage(), e);
        }
        return new ConfigData(List.of(new MapPropertySource(resource.toString(),
                SecretProperties.of(resource.secretName(), version.value()))));
    }
}
