package io.secretstages.spi;

import java.time.Instant;

/**
 * A stored version, without its value.
 *
 * @param number the version number: the id is {@code "v" + number} (R4)
 * @param createTime when it was created, millisecond precision
 * @param clientToken the client token it was put with (idempotent puts), or null
 */
public record VersionRecord(long number, Instant createTime, String clientToken) {
    /**
     * A version put without a client token.
     *
     * @param number the version number
     * @param createTime when it was created
     */
    public VersionRecord(long number, Instant createTime) {
        this(number, createTime, null);
    }

    private static final String[] IDS = new String[1024];

    static {
        for (int i = 0; i < IDS.length; i++) {
            IDS[i] = ("v" + i).intern();
        }
    }

    /** @return the version id, {@code "v" + number} */
    public String id() {
        return idOf(number);
    }

    /**
     * @param number a version number
     * @return {@code "v" + number}, without allocating for the first 1,024 numbers
     */
    public static String idOf(long number) {
        return number >= 0 && number < IDS.length ? IDS[(int) number] : "v" + number;
    }
}
