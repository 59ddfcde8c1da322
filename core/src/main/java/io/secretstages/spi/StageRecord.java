package io.secretstages.spi;

import java.time.Instant;

/**
 * A stored stage: which version holds it and since when.
 *
 * @param name the stage name
 * @param versionNumber the number of the version holding it
 * @param updateTime when it was last attached to that version, millisecond precision (R17)
 */
public record StageRecord(String name, long versionNumber, Instant updateTime) {
}
