package io.secretstages.spi;

import java.time.Instant;

/**
 * A stored version, without its value.
 *
 * @param number the version number: the id is {@code "v" + number} (R4)
 * @param createTime when it was created, millisecond precision
 */
public record VersionRecord(long number, Instant createTime) {
    /** @return the version id, {@code "v" + number} */
    public String id() {
        return "v" + number;
    }
}
