package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.time.Instant;
import java.util.Objects;

/**
 * A version to be stored, with its value. A store writes the value once and never rewrites it.
 *
 * @param number its number, higher than any number the secret has had
 * @param createTime its create time, millisecond precision
 * @param value its value, not null
 * @param clientToken the client token of an idempotent put, or null; unique among the secret's versions
 */
public record NewVersion(long number, Instant createTime, SecretValue value, String clientToken) {
    /**
     * A version without a client token.
     *
     * @param number its number
     * @param createTime its create time
     * @param value its value
     */
    public NewVersion(long number, Instant createTime, SecretValue value) {
        this(number, createTime, value, null);
    }

    /**
     * Checks for nulls.
     *
     * @param number its number, higher than any number the secret has had
     * @param createTime its create time, millisecond precision
     * @param value its value, not null
     * @param clientToken the client token of an idempotent put, or null; unique among the secret's versions
     */
    public NewVersion {
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(value, "value");
    }

    /** @return the metadata part of this version */
    public VersionRecord record() {
        return new VersionRecord(number, createTime, clientToken);
    }
}
