package io.secretstages.encryption;

/**
 * Progress of a re-wrap, so far or at its end: of one project ({@link EncryptingRepository#rewrap}) or of every
 * project ({@link EncryptingRepository#rewrapAll}, whose counts add up over the projects).
 *
 * @param projectId the project of the last secret done (with {@code rewrapAll}: pass it back as {@code projectId}
 *                  to resume); the starting project (or null) if none was done yet
 * @param secrets secrets done (all their versions re-wrapped or already under the current primary key)
 * @param rewrapped versions whose data key was re-wrapped
 * @param alreadyCurrent versions whose data key was already wrapped by the current primary key
 * @param lastSecretName the last secret done, in name order: pass it as {@code afterName} to resume after a
 *                       failure (with {@code rewrapAll}, together with {@code projectId}); null if none was done yet
 * @param complete whether every secret of the project (with {@code rewrapAll}: of every project) was done
 */
public record RewrapReport(String projectId, long secrets, long rewrapped, long alreadyCurrent,
                           String lastSecretName, boolean complete) {
}
