package io.secretstages.spi;

/**
 * Identifies a secret: its project (a disjoint namespace, R1) and its name (R2). Both are validated by
 * {@code StageManager} before a store sees them.
 *
 * @param projectId the project id
 * @param secretName the secret name, case-sensitive
 */
public record SecretKey(String projectId, String secretName) {
}
