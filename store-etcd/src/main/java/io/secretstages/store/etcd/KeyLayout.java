package io.secretstages.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.secretstages.spi.SecretKey;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The etcd keys of one store, all under its prefix {@code P}. Names (R1, R2) are {@code [A-Za-z0-9_-]}, so the
 * {@code '/'} separator never occurs inside one and a key's prefix never matches a longer name.
 * <ul>
 *   <li>{@code P s/<project>/<secret>}: the secret's metadata document (versions, stages, times); its
 *       {@code version} is the secret's revision and its {@code mod_revision} the optimistic check.</li>
 *   <li>{@code P v/<project>/<secret>/<number>}: the value of one version, written once.</li>
 *   <li>{@code P d/<time>/<project>/<secret>}: one key per scheduled deletion (R8), the time in 16 hex digits that
 *       sort like the instant, written in the same transaction as the deletion time.</li>
 * </ul>
 */
final class KeyLayout {
    private final String prefix;

    KeyLayout(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    ByteSequence secret(SecretKey key) {
        return bytes(prefix + "s/" + key.projectId() + "/" + key.secretName());
    }

    /** @return the first metadata key of {@code projectId} strictly after {@code afterName} (or the first one) */
    ByteSequence secretsFrom(String projectId, String afterName) {
        return bytes(prefix + "s/" + projectId + "/" + (afterName == null ? "" : afterName + "\0"));
    }

    /** @return the end (exclusive) of the project's metadata keys: {@code '0'} follows {@code '/'} */
    ByteSequence secretsEnd(String projectId) {
        return bytes(prefix + "s/" + projectId + "0");
    }

    /** @return the secret name of a metadata key of {@code projectId} */
    String secretNameOf(ByteSequence secretKey, String projectId) {
        return secretKey.toString(StandardCharsets.UTF_8).substring(prefix.length() + 3 + projectId.length());
    }

    /**
     * @return where the metadata keys of the projects after {@code afterProjectId} begin: every id greater
     *         ({@link String#compareTo}) has its keys at or after {@code afterProjectId + "-"}, since {@code '-'} is
     *         the lowest character R1 allows
     */
    ByteSequence projectsFrom(String afterProjectId) {
        return bytes(prefix + "s/" + (afterProjectId == null ? "" : afterProjectId + "-"));
    }

    /** @return the end (exclusive) of every metadata key */
    ByteSequence projectsEnd() {
        return bytes(prefix + "s0");
    }

    /** @return the first key of the project's metadata keys */
    ByteSequence projectKeys(String projectId) {
        return bytes(prefix + "s/" + projectId + "/");
    }

    /** @return the project of a metadata key */
    String projectOf(ByteSequence secretKey) {
        String rest = secretKey.toString(StandardCharsets.UTF_8).substring(prefix.length() + 2);
        return rest.substring(0, rest.indexOf('/'));
    }

    ByteSequence value(SecretKey key, long versionNumber) {
        return bytes(prefix + "v/" + key.projectId() + "/" + key.secretName() + "/" + versionNumber);
    }

    /** @return the prefix of all value keys of a secret */
    ByteSequence values(SecretKey key) {
        return bytes(prefix + "v/" + key.projectId() + "/" + key.secretName() + "/");
    }

    ByteSequence deletion(Instant deletionTime, SecretKey key) {
        return bytes(prefix + "d/" + sortable(deletionTime) + "/" + key.projectId() + "/" + key.secretName());
    }

    ByteSequence deletionsStart() {
        return bytes(prefix + "d/");
    }

    /** @return the end (exclusive) of the deletion keys due at or before {@code asOf} */
    ByteSequence deletionsDueEnd(Instant asOf) {
        long millis = millis(asOf);
        return millis == Long.MAX_VALUE ? bytes(prefix + "d0") : bytes(prefix + "d/" + hex(millis + 1));
    }

    /** @return the secret a deletion key names */
    SecretKey secretOfDeletion(ByteSequence deletionKey) {
        String rest = deletionKey.toString(StandardCharsets.UTF_8).substring(prefix.length() + 2 + 16 + 1);
        int slash = rest.indexOf('/');
        return new SecretKey(rest.substring(0, slash), rest.substring(slash + 1));
    }

    private static String sortable(Instant t) {
        return hex(millis(t));
    }

    private static long millis(Instant t) {
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException e) {
            return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Flipping the sign bit makes the unsigned hex order the signed order of the millis. */
    private static String hex(long millis) {
        String h = Long.toHexString(millis ^ Long.MIN_VALUE);
        return "0".repeat(16 - h.length()) + h;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
