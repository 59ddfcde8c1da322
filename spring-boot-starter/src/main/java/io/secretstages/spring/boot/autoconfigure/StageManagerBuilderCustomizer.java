package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.StageManager;

/**
 * Customizes the auto-configured {@link StageManager} before it is built (a clock, listeners, other settings); every
 * bean of this type is applied, in {@link org.springframework.core.annotation.Order} order, after the
 * {@code secret-stages.*} properties.
 */
@FunctionalInterface
public interface StageManagerBuilderCustomizer {
    /**
     * @param builder the builder, already configured from the properties
     */
    void customize(StageManager.Builder builder);
}
