package io.secretstages.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A secret's own row, without its versions and stages: what listing secrets (and finding those due for purging)
 * needs. Immutable.
 *
 * @param key the secret
 * @param revision its revision (see {@link SecretSnapshot#revision()})
 * @param createTime when it was created, millisecond precision
 * @param deletionTime when its scheduled deletion takes effect (R8), or null if none is scheduled
 * @param description its description (R23), {@code ""} for none, never null
 */
public record SecretRecord(SecretKey key, long revision, Instant createTime, Instant deletionTime,
                           String description) {
    /**
     * Checks for nulls.
     *
     * @param key the secret
     * @param revision its revision
     * @param createTime when it was created
     * @param deletionTime when its scheduled deletion takes effect, or null
     * @param description its description, not null
     */
    public SecretRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(description, "description");
    }

    /**
     * A record without a description.
     *
     * @param key the secret
     * @param revision its revision
     * @param createTime when it was created
     * @param deletionTime when its scheduled deletion takes effect, or null
     */
    public SecretRecord(SecretKey key, long revision, Instant createTime, Instant deletionTime) {
        this(key, revision, createTime, deletionTime, "");
    }
}
