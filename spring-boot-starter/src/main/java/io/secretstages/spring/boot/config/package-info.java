/**
 * Secrets as configuration: {@code spring.config.import=secret-stages:project/secret[?stage=NAME]}
 * ({@link io.secretstages.spring.boot.config.SecretStagesConfigDataLocationResolver},
 * {@link io.secretstages.spring.boot.config.SecretStagesConfigDataLoader}).
 */
package io.secretstages.spring.boot.config;
