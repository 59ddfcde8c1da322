package io.secretstages.spi;

/**
 * Identifies a secret: its project (a disjoint namespace, R1) and its name (R2). Both are validated by
 * {@code StageManager} before a store sees them.
 *
 * @param projectId the project id
 * @param secretName the secret name, case-sensitive
 */
public record SecretKey(String projectId, String secretName) {
    /** @return a hash of both names (cache and map keys) */
    @Override
    public int hashCode() {
        return 31 * projectId.hashCode() + secretName.hashCode();
    }

    /** @return whether {@code o} is a key of the same project and name */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof SecretKey k && secretName.equals(k.secretName) && projectId.equals(k.projectId);
    }
}
