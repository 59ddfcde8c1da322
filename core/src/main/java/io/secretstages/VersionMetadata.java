package io.secretstages;

import java.time.Instant;
import java.util.Set;

/**
 * A version without its value (R16).
 *
 * @param secretName the secret's name
 * @param id the version id, such as {@code "v3"} (R4)
 * @param createTime when the version was created, with millisecond precision
 * @param stages the stages the version holds, unmodifiable; empty for a deprecated version (R15)
 */
public record VersionMetadata(String secretName, String id, Instant createTime, Set<String> stages) {
    /**
     * Makes {@code stages} an unmodifiable copy.
     *
     * @param secretName the secret's name
     * @param id the version id, such as {@code "v3"} (R4)
     * @param createTime when the version was created, with millisecond precision
     * @param stages the stages the version holds, unmodifiable; empty for a deprecated version (R15)
     */
    public VersionMetadata {
        stages = Set.copyOf(stages);
    }
}
