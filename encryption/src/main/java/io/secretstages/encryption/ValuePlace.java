package io.secretstages.encryption;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a sealed value belongs (docs/rules.md E2): project, secret, version number and the secret's creation time. Its
 * {@link #encode() encoding} is part of the associated data of both the value and its wrapped data key, so a
 * ciphertext copied to another version, secret or project, or into a secret created again under the same name (a
 * later creation time), fails to open.
 *
 * @param projectId the project
 * @param secretName the secret
 * @param versionNumber the version's number
 * @param secretCreateTime when the secret was created
 */
record ValuePlace(String projectId, String secretName, long versionNumber, Instant secretCreateTime) {

    ValuePlace {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(secretName, "secretName");
        Objects.requireNonNull(secretCreateTime, "secretCreateTime");
    }

    /**
     * @return the unambiguous encoding: each name as a 4-byte length and its UTF-8 bytes, then the version number
     *         (8 bytes), the creation time's epoch seconds (8 bytes) and nanoseconds (4 bytes), big-endian
     */
    byte[] encode() {
        byte[] project = projectId.getBytes(StandardCharsets.UTF_8);
        byte[] secret = secretName.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + project.length + 4 + secret.length + 8 + 8 + 4)
                .putInt(project.length).put(project)
                .putInt(secret.length).put(secret)
                .putLong(versionNumber)
                .putLong(secretCreateTime.getEpochSecond())
                .putInt(secretCreateTime.getNano())
                .array();
    }

    /**
     * @param domain what the associated data protects (a value or a wrapped data key), so the two never mix
     * @param header the envelope bytes that must not change either
     * @return {@code domain}, {@code header} and {@link #encode()}, each length-prefixed
     */
    byte[] associatedData(byte[] domain, byte[] header) {
        byte[] place = encode();
        ByteArrayOutputStream out = new ByteArrayOutputStream(12 + domain.length + header.length + place.length);
        for (byte[] part : new byte[][]{domain, header, place}) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(part.length).array());
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return projectId + "/" + secretName + "/v" + versionNumber;
    }
}
