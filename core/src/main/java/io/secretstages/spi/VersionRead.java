package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.util.Objects;

/**
 * A snapshot and the value of one version it lists, read together by {@link StageRepository#loadVersion}.
 *
 * @param snapshot the secret's snapshot
 * @param versionNumber the number of the version whose value was read; 0 if there is no such version
 * @param value that version's value in {@code snapshot}; null if there is no such version
 */
public record VersionRead(SecretSnapshot snapshot, long versionNumber, SecretValue value) {
    /**
     * @param snapshot the secret's snapshot
     * @param versionNumber the number of the version whose value was read; 0 if there is no such version
     * @param value that version's value in {@code snapshot}; null if there is no such version
     * @throws IllegalArgumentException if exactly one of {@code versionNumber > 0} and {@code value != null} holds
     */
    public VersionRead {
        Objects.requireNonNull(snapshot, "snapshot");
        if ((versionNumber > 0) != (value != null)) {
            throw new IllegalArgumentException("a version number comes with its value, 0 with none");
        }
    }

    @Override
    public String toString() {
        return "VersionRead[" + snapshot.key() + ", version " + versionNumber + "]"; // never the value
    }
}
