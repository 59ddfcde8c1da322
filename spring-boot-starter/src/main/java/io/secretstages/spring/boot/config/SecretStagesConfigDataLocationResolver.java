package io.secretstages.spring.boot.config;

import io.secretstages.StageManager;
import io.secretstages.Stages;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.properties.bind.Binder;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolves {@code spring.config.import=secret-stages:project/secret[;project/secret2...]}; each entry may end with
 * {@code ?stage=NAME} to read the version holding another stage than {@code SYSCURRENT}. Entries are separated by
 * {@code ;}, as in Spring Cloud AWS, because Spring Boot splits {@code spring.config.import} at commas: a comma starts
 * a new location, so {@code secret-stages:a/x,secret-stages:a/y} works too (and each may be {@code optional:} on its
 * own). Registered in {@code META-INF/spring.factories}.
 *
 * <p>The loader needs a {@link StageManager} before the application context exists. If the bootstrap context holds
 * none (an application may register one with {@code SpringApplication.addBootstrapRegistryInitializer}), one is
 * built from the {@code secret-stages.*} properties and the database named by {@code spring.datasource.url},
 * {@code .username} and {@code .password} ({@link BootstrapStageManager}), as the auto-configured manager would use.
 */
public class SecretStagesConfigDataLocationResolver
        implements ConfigDataLocationResolver<SecretStagesConfigDataResource> {
    /** The location prefix. */
    public static final String PREFIX = "secret-stages:";

    private static final String STAGE_QUERY = "stage=";
    private static final String SEPARATOR = ";";

    /** Created by Spring Boot from {@code spring.factories}. */
    public SecretStagesConfigDataLocationResolver() {
    }

    @Override
    public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
        return location.hasPrefix(PREFIX);
    }

    @Override
    public List<SecretStagesConfigDataResource> resolve(ConfigDataLocationResolverContext context,
                                                        ConfigDataLocation location) {
        List<SecretStagesConfigDataResource> resources = new ArrayList<>();
        for (String entry : location.getNonPrefixedValue(PREFIX).split(SEPARATOR)) {
            resources.add(parse(entry.trim(), location));
        }
        Binder binder = context.getBinder();
        context.getBootstrapContext().registerIfAbsent(StageManager.class,
                BootstrapRegistry.InstanceSupplier.from(() -> BootstrapStageManager.create(binder)));
        return resources;
    }

    private static SecretStagesConfigDataResource parse(String entry, ConfigDataLocation location) {
        String path = entry;
        String stage = Stages.SYSCURRENT;
        int query = entry.indexOf('?');
        if (query >= 0) {
            path = entry.substring(0, query);
            String q = entry.substring(query + 1);
            if (!q.startsWith(STAGE_QUERY) || q.length() == STAGE_QUERY.length()) {
                throw malformed(location, entry);
            }
            stage = q.substring(STAGE_QUERY.length());
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
            throw malformed(location, entry);
        }
        return new SecretStagesConfigDataResource(path.substring(0, slash), path.substring(slash + 1), stage,
                location.isOptional());
    }

    private static IllegalArgumentException malformed(ConfigDataLocation location, String entry) {
        return new IllegalArgumentException("spring.config.import location '" + location + "': '" + entry
                + "' is not of the form project/secret or project/secret?stage=NAME");
    }
}
