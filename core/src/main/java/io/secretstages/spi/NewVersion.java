package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.time.Instant;
import java.util.Objects;

/**
 * A version to be stored, with its value. A store writes the value once; only
 * {@link StageRepository#rewriteValues} replaces it later (with the same plaintext under another wrapping).
 *
 * @param number its number, higher than any number the secret has had (I5)
 * @param createTime its create time, millisecond precision
 * @param value its value, not null
 * @param clientToken the client token of an idempotent put, or null; unique among the secret's versions
 * @param expireTime its expiry time (R24), or null for none
 */
public record NewVersion(long number, Instant createTime, SecretValue value, String clientToken, Instant expireTime) {
    /**
     * A version without a client token or expiry time.
     *
     * @param number its number
     * @param createTime its create time
     * @param value its value
     */
    public NewVersion(long number, Instant createTime, SecretValue value) {
        this(number, createTime, value, null, null);
    }

    /**
     * A version without an expiry time.
     *
     * @param number its number
     * @param createTime its create time
     * @param value its value
     * @param clientToken the client token, or null
     */
    public NewVersion(long number, Instant createTime, SecretValue value, String clientToken) {
        this(number, createTime, value, clientToken, null);
    }

    /**
     * Checks for nulls.
     *
     * @param number its number, higher than any number the secret has had
     * @param createTime its create time, millisecond precision
     * @param value its value, not null
     * @param clientToken the client token of an idempotent put, or null
     * @param expireTime its expiry time, or null
     */
    public NewVersion {
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(value, "value");
    }

    /** @return the metadata part of this version */
    public VersionRecord record() {
        return new VersionRecord(number, createTime, clientToken, expireTime);
    }

    @Override
    public String toString() {
        return "NewVersion[v" + number + ", createTime=" + createTime + ", value=" + value + "]";
    }
}
