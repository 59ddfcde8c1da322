package io.secretstages.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored version, without its value. Immutable.
 *
 * @param number the version number: the id is {@code "v" + number} (R4)
 * @param createTime when it was created, millisecond precision
 * @param clientToken the client token it was put with (idempotent puts), or null
 * @param expireTime its expiry time (R24, metadata only), millisecond precision, or null for none
 */
public record VersionRecord(long number, Instant createTime, String clientToken, Instant expireTime) {
    /**
     * Checks for nulls.
     *
     * @param number the version number
     * @param createTime when it was created, not null
     * @param clientToken the client token, or null
     * @param expireTime its expiry time, or null
     */
    public VersionRecord {
        Objects.requireNonNull(createTime, "createTime");
    }

    /**
     * A version without an expiry time.
     *
     * @param number the version number
     * @param createTime when it was created
     * @param clientToken the client token, or null
     */
    public VersionRecord(long number, Instant createTime, String clientToken) {
        this(number, createTime, clientToken, null);
    }

    /**
     * A version put without a client token or expiry time.
     *
     * @param number the version number
     * @param createTime when it was created
     */
    public VersionRecord(long number, Instant createTime) {
        this(number, createTime, null, null);
    }

    /**
     * @param newExpireTime the new expiry time, or null for none
     * @return this version with that expiry time (R24)
     */
    public VersionRecord withExpireTime(Instant newExpireTime) {
        return new VersionRecord(number, createTime, clientToken, newExpireTime);
    }

    private static final String[] IDS = new String[1024];

    static {
        for (int i = 0; i < IDS.length; i++) {
            IDS[i] = "v" + i;
        }
    }

    /** @return the version id, {@code "v" + number} */
    public String id() {
        return idOf(number);
    }

    /**
     * @param number a version number
     * @return {@code "v" + number} (the first 1,024 ids are shared constants)
     */
    public static String idOf(long number) {
        return number >= 0 && number < IDS.length ? IDS[(int) number] : "v" + number;
    }
}
