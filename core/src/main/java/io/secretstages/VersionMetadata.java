package io.secretstages;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A version without its value (R16).
 *
 * @param secretName the secret's name
 * @param id the version id, such as {@code "v3"} (R4)
 * @param createTime when the version was created, with millisecond precision
 * @param stages the stages the version holds, unmodifiable; empty for a deprecated version (R15)
 * @param expireTime the version's expiry time (R24, metadata only: an expired version stays readable), if any
 */
public record VersionMetadata(String secretName, String id, Instant createTime, Set<String> stages,
                              Optional<Instant> expireTime) {
    /**
     * Makes {@code stages} an unmodifiable copy.
     *
     * @param secretName the secret's name
     * @param id the version id, such as {@code "v3"} (R4)
     * @param createTime when the version was created, with millisecond precision
     * @param stages the stages the version holds, unmodifiable; empty for a deprecated version (R15)
     * @param expireTime the expiry time (R24), if any; not null
     */
    public VersionMetadata {
        stages = Set.copyOf(stages);
        Objects.requireNonNull(expireTime, "expireTime");
    }

    /**
     * A version without an expiry time.
     *
     * @param secretName the secret's name
     * @param id the version id, such as {@code "v3"} (R4)
     * @param createTime when the version was created, with millisecond precision
     * @param stages the stages the version holds
     */
    public VersionMetadata(String secretName, String id, Instant createTime, Set<String> stages) {
        this(secretName, id, createTime, stages, Optional.empty());
    }
}
