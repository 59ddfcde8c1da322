package io.secretstages.spi;

import io.secretstages.SecretValue;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The result of {@link StageRepository#loadVersion}: what {@code getVersion} and {@code getVersionByStage} need and
 * nothing more, read together. The secret's own record (for R8's deletion time and E2's creation time), the version
 * asked for if it exists, the names of the stages that version holds, and its value. Not a snapshot: it does not list
 * the other versions, so nothing is ever planned from it. Immutable.
 *
 * <p>Three shapes: {@code version == null} (the secret has no such version, or no version holds the stage; then no
 * stages and no value); {@code version} and {@code value} both set (the read answered); {@code version} set and
 * {@code value} null: the version was removed between a store's two reads of metadata and value (only a store that
 * reads them apart, as {@link StageRepository}'s default does, answers so), and the caller reads again.
 *
 * @param secret the secret's record
 * @param version the version asked for, or null if there is none
 * @param stages the names of the stages {@code version} holds (empty if {@code version} is null); copied
 * @param value {@code version}'s value, or null (see above)
 */
public record VersionRead(SecretRecord secret, VersionRecord version, Set<String> stages, SecretValue value) {
    /**
     * @param secret the secret's record
     * @param version the version asked for, or null if there is none
     * @param stages the names of the stages {@code version} holds (empty if {@code version} is null); copied
     * @param value {@code version}'s value, or null (see the class comment)
     * @throws IllegalArgumentException if there is no version but stages or a value
     */
    public VersionRead {
        Objects.requireNonNull(secret, "secret");
        stages = Set.copyOf(stages);
        if (version == null && (value != null || !stages.isEmpty())) {
            throw new IllegalArgumentException("stages or a value without a version");
        }
    }

    /**
     * The reference semantics of {@link StageRepository#loadVersion} over a snapshot: the version numbered
     * {@code versionNumber} if positive, else the holder of {@code stageName}, with its stages and the value
     * {@code values} gives for it.
     *
     * @param snapshot the secret
     * @param stageName the stage whose holder is read, or null when {@code versionNumber > 0}
     * @param versionNumber the version read, or 0 for the holder of {@code stageName}
     * @param values the value of a version of {@code snapshot} by number; empty if it was removed since
     * @return the read; {@code values} is asked only if the version exists
     */
    public static VersionRead in(SecretSnapshot snapshot, String stageName, long versionNumber,
                                 LongFunction<Optional<SecretValue>> values) {
        long number = versionNumber;
        if (number <= 0) {
            StageRecord holder = stageName == null ? null : snapshot.stages().get(stageName);
            number = holder == null ? 0 : holder.versionNumber();
        }
        Optional<VersionRecord> version = number > 0 ? snapshot.version(number) : Optional.empty();
        if (version.isEmpty()) {
            return new VersionRead(snapshot.record(), null, Set.of(), null);
        }
        return new VersionRead(snapshot.record(), version.get(), snapshot.stagesOf(number),
                values.apply(number).orElse(null));
    }

    @Override
    public String toString() {
        // never the value
        return "VersionRead[" + secret.key() + ", " + (version == null ? "no version" : version.id()) + "]";
    }
}
