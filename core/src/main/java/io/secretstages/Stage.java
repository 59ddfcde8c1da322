package io.secretstages;

import java.time.Instant;

/**
 * A stage and the version that holds it (R17).
 *
 * @param name the stage name
 * @param secretName the secret's name
 * @param versionId the id of the version holding the stage, such as {@code "v3"}
 * @param updateTime the last time the stage was attached to this version, with millisecond precision; a server
 *                   returns {@code updateTime().toEpochMilli()}
 */
public record Stage(String name, String secretName, String versionId, Instant updateTime) {
}
