/**
 * Spring Boot auto-configuration for secret-stages: a {@link io.secretstages.StageManager} bean over the
 * application's {@code DataSource} (JDBC store) or in memory, {@code secret-stages.*} properties
 * ({@link io.secretstages.spring.boot.autoconfigure.SecretStagesProperties}), the Micrometer binding and an Actuator
 * health indicator.
 */
package io.secretstages.spring.boot.autoconfigure;
