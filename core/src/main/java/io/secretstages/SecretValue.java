package io.secretstages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/**
 * A secret value: exactly one of a string or a binary (R7). Immutable; binary content is copied in and out.
 * Equality is by kind and content, compared without an early exit (only the kind and the length are not hidden).
 * {@link #toString()} never shows the content.
 */
public final class SecretValue {
    private final String string;
    private final byte[] binary;

    private SecretValue(String string, byte[] binary) {
        this.string = string;
        this.binary = binary;
    }

    /**
     * @param value the secret string, not null; its UTF-8 encoding counts against the 32 KiB limit of R7, which
     *              {@link StageManager} checks
     * @return a string value
     * @throws StageException {@link ErrorCode#INVALID_PARAMETER} if {@code value} is null
     */
    public static SecretValue ofString(String value) {
        if (value == null) {
            throw new StageException(ErrorCode.INVALID_PARAMETER, "secret value must not be null (R7)");
        }
        return new SecretValue(value, null);
    }

    /**
     * @param value the secret bytes, not null; copied
     * @return a binary value
     * @throws StageException {@link ErrorCode#INVALID_PARAMETER} if {@code value} is null
     */
    public static SecretValue ofBinary(byte[] value) {
        if (value == null) {
            throw new StageException(ErrorCode.INVALID_PARAMETER, "secret value must not be null (R7)");
        }
        return new SecretValue(null, value.clone());
    }

    /** @return the string, if this is a string value */
    public Optional<String> string() {
        return Optional.ofNullable(string);
    }

    /** @return a copy of the bytes, if this is a binary value */
    public Optional<byte[]> binary() {
        return binary == null ? Optional.empty() : Optional.of(binary.clone());
    }

    /** @return whether this is a string value */
    public boolean isString() {
        return string != null;
    }

    /**
     * The value as bytes: the UTF-8 encoding of a string value, or a copy of a binary one. Stores use it to persist
     * the value; {@link #fromBytes(boolean, byte[])} reverses it.
     *
     * @return a fresh array
     */
    public byte[] toBytes() {
        return string != null ? string.getBytes(StandardCharsets.UTF_8) : binary.clone();
    }

    /**
     * Rebuilds a value from {@link #toBytes()}.
     *
     * @param isString whether the bytes are the UTF-8 encoding of a string value
     * @param bytes the bytes, not null; copied
     * @return the value
     */
    public static SecretValue fromBytes(boolean isString, byte[] bytes) {
        return isString ? ofString(new String(bytes, StandardCharsets.UTF_8)) : ofBinary(bytes);
    }

    /**
     * @return the size that counts against R7's limit: the UTF-8 length of a string value (a lone surrogate counts
     *         as the 3 bytes of its replacement), or the length of a binary one
     */
    public int sizeInBytes() {
        if (string == null) {
            return binary.length;
        }
        int size = 0;
        int n = string.length();
        for (int i = 0; i < n; i++) {
            char c = string.charAt(i);
            if (c < 0x80) {
                size += 1;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(string.charAt(i + 1))) {
                size += 4;
                i++;
            } else {
                size += 3;
            }
        }
        return size;
    }

    /** @return whether a string value is well-formed UTF-16 (no lone surrogate); always true for binary values */
    boolean isWellFormed() {
        if (string == null) {
            return true;
        }
        int n = string.length();
        for (int i = 0; i < n; i++) {
            char c = string.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(string.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SecretValue)) {
            return false;
        }
        SecretValue other = (SecretValue) o;
        if (string != null) {
            return other.string != null && sameChars(string, other.string);
        }
        return other.binary != null && MessageDigest.isEqual(binary, other.binary);
    }

    /**
     * Compares every char of two equal-length strings (no early exit at the first difference), so the time of a
     * comparison against a stored value (an idempotent put that repeats its client token) does not tell how much of
     * a guess was right; only the length is not hidden. Binary values go through {@link MessageDigest#isEqual}. Chars,
     * not UTF-8 bytes: two strings with different lone surrogates differ.
     */
    private static boolean sameChars(String a, String b) {
        int n = a.length();
        if (n != b.length()) {
            return false;
        }
        int difference = 0;
        for (int i = 0; i < n; i++) {
            difference |= a.charAt(i) ^ b.charAt(i);
        }
        return difference == 0;
    }

    @Override
    public int hashCode() {
        return string != null ? string.hashCode() : 31 * Arrays.hashCode(binary) + 1;
    }

    /** @return a description of the kind of value only, never its content */
    @Override
    public String toString() {
        return string != null ? "SecretValue[string, redacted]" : "SecretValue[binary, redacted]";
    }
}
