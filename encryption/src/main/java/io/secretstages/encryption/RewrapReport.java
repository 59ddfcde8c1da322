package io.secretstages.encryption;

/**
 * Progress of a re-wrap ({@link EncryptingRepository#rewrap}) in one project, so far or at its end.
 *
 * @param projectId the project
 * @param secrets secrets done (all their versions re-wrapped or already under the current primary key)
 * @param rewrapped versions whose data key was re-wrapped
 * @param alreadyCurrent versions whose data key was already wrapped by the current primary key
 * @param lastSecretName the last secret done, in name order: pass it as {@code afterName} to resume after a
 *                       failure; null if none was done yet
 * @param complete whether every secret of the project was done
 */
public record RewrapReport(String projectId, long secrets, long rewrapped, long alreadyCurrent,
                           String lastSecretName, boolean complete) {
}
