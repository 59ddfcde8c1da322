package io.secretstages;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validation of every argument (R1-R5, R7, R10, R20, R23, R24), run before any store is touched: the first group of
 * R22 ({@code INVALID_PARAMETER}). Plain checks, no state. Messages name the parameter and the rule, never the
 * rejected input (it may be anything, a secret value included).
 */
final class Inputs {
    /** R7: 32 KiB. */
    static final int MAX_VALUE_BYTES = 32 * 1024;
    /** R1-R3: names are 1 to 64 characters. */
    private static final int MAX_NAME_LENGTH = 64;
    /** R4: {@code ^v[0-9]{1,63}$}. */
    private static final int MAX_VERSION_DIGITS = 63;
    /** Returned by {@link #versionNumber(String)} for a well-formed id that no version can have, such as v0 or v01. */
    static final long NEVER_ISSUED = -1L;
    static final String LATEST = "latest";
    /** R23. */
    static final int MAX_DESCRIPTION_BYTES = 2048;
    /** R24: the latest expiry time, in epoch milliseconds. */
    static final long MAX_EXPIRE_MILLIS = 9_999_999_999_999L;

    private Inputs() {
    }

    static StageException invalid(String message) {
        return new StageException(ErrorCode.INVALID_PARAMETER, message);
    }

    /** R1. */
    static void projectId(String projectId) {
        if (!isName(projectId)) {
            throw invalid("project_id must be 1-64 characters of [A-Za-z0-9_-] (R1)");
        }
    }

    /** R2. */
    static void secretName(String secretName) {
        if (!isName(secretName)) {
            throw invalid("secret_name must match ^[a-zA-Z0-9_-]{1,64}$ (R2)");
        }
    }

    /** R3. */
    static void stageName(String stageName) {
        if (!isName(stageName)) {
            throw invalid("stage_name must match ^[a-zA-Z0-9_-]{1,64}$ (R3)");
        }
    }

    /** R1-R3 share one alphabet, {@code [A-Za-z0-9_-]}, and length, 1 to 64. */
    static boolean isName(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** R4: whether {@code s} matches {@code ^v[0-9]{1,63}$}. */
    static boolean isVersionId(String s) {
        if (s == null || s.length() < 2 || s.length() > 1 + MAX_VERSION_DIGITS || s.charAt(0) != 'v') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * R4: validates a version id argument where {@code latest} is not allowed.
     *
     * @return its number, or {@link #NEVER_ISSUED} for a well-formed id that no version can have
     */
    static long versionId(String versionId) {
        if (!isVersionId(versionId)) {
            throw invalid("version_id must match ^v[0-9]{1,63}$ (R4)");
        }
        return versionNumber(versionId);
    }

    /** R4: the number of a well-formed id, or {@link #NEVER_ISSUED} (v0, leading zeros, beyond a long). */
    static long versionNumber(String versionId) {
        int n = versionId.length();
        if (versionId.charAt(1) == '0' || n > 19) {
            return NEVER_ISSUED; // "v0", "v01": never issued; more than 18 digits: more than any long counter issues
        }
        return Long.parseLong(versionId, 1, n, 10);
    }

    /** R7. */
    static void value(SecretValue value) {
        if (value == null) {
            throw invalid("secret value must not be null (R7)");
        }
        if (value.sizeInBytes() > MAX_VALUE_BYTES) {
            throw invalid("secret value must be at most 32 KiB (R7)");
        }
        if (!value.isWellFormed()) {
            throw invalid("a string secret value must be well-formed UTF-16, without lone surrogates (R7)");
        }
    }

    /**
     * R10: a set of 1 to {@code maxStages} valid stage names.
     *
     * @return a sorted, unmodifiable copy (the caller's set may change afterwards)
     */
    static Set<String> stageSet(Set<String> stages, int maxStages) {
        if (stages == null) {
            throw invalid("stages must not be null (R10)");
        }
        Set<String> copy;
        try {
            if (stages.isEmpty() || stages.size() > maxStages) {
                throw invalid("stages must name 1 to " + maxStages + " stages (R10)");
            }
            copy = new TreeSet<>(stages);
        } catch (NullPointerException | ClassCastException e) {
            throw invalid("stages must be a set of stage names (R10)");
        }
        if (copy.isEmpty() || copy.size() > maxStages || copy.size() != stages.size()) {
            throw invalid("stages must name 1 to " + maxStages + " stages (R10)");
        }
        for (String s : copy) {
            stageName(s);
        }
        return Collections.unmodifiableSet(copy);
    }

    /**
     * Idempotent puts: a client token has the alphabet and length of a name.
     *
     * @return the token, or null for none; a null Optional is malformed
     */
    static String clientToken(Optional<String> token) {
        if (token == null) {
            throw invalid("client token must not be null (an Optional, or a String for a token)");
        }
        token.ifPresent(Inputs::clientToken);
        return token.orElse(null);
    }

    static void clientToken(String token) {
        if (!isName(token)) {
            throw invalid("client token must be 1-64 characters of [A-Za-z0-9_-]");
        }
    }

    /** R20: the expected holder of a guarded update. */
    static void expectedVersionId(Optional<String> expected) {
        if (expected == null) {
            throw invalid("expected current version id must be an Optional, not null (R20)");
        }
        if (expected.isPresent() && !isVersionId(expected.get())) {
            throw invalid("expected current version id must match ^v[0-9]{1,63}$ (R4, R20)");
        }
    }

    /** R8: the recovery window of a scheduled deletion. */
    static void recoveryWindowDays(int days, int min, int max) {
        if (days < min || days > max) {
            throw invalid("recovery window must be " + min + " to " + max + " days (R8)");
        }
    }

    /** R23: a description of 0 to 2048 UTF-8 bytes, not null. */
    static void description(String description) {
        if (description == null) {
            throw invalid("description must not be null; \"\" is none (R23)");
        }
        if (description.length() > MAX_DESCRIPTION_BYTES
                || description.getBytes(StandardCharsets.UTF_8).length > MAX_DESCRIPTION_BYTES) {
            throw invalid("description must be at most " + MAX_DESCRIPTION_BYTES + " UTF-8 bytes (R23)");
        }
        for (int i = 0; i < description.length(); i++) {
            char c = description.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < description.length()
                    && Character.isLowSurrogate(description.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid("description must be well-formed UTF-16, without lone surrogates (R23)");
            }
        }
    }

    /**
     * R24: an expiry time of 0 to 9999999999999 epoch milliseconds.
     *
     * @return the time truncated to milliseconds, or null for none
     */
    static Instant expireTime(Optional<Instant> expireTime) {
        if (expireTime == null) {
            throw invalid("expire time must be an Optional, not null (R24)");
        }
        if (expireTime.isEmpty()) {
            return null;
        }
        Instant t = expireTime.get();
        if (t.isBefore(Instant.EPOCH) || t.isAfter(Instant.ofEpochMilli(MAX_EXPIRE_MILLIS).plusNanos(999_999))) {
            throw invalid("expire time must be 0 to " + MAX_EXPIRE_MILLIS + " epoch milliseconds (R24)");
        }
        return Instant.ofEpochMilli(t.toEpochMilli());
    }

    /** Listing secrets: a page holds 1 to {@code max}. */
    static void listLimit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw invalid("limit must be 1 to " + max);
        }
    }

    /** Listing secrets: a marker is null (the first page) or a secret name (R2). */
    static void marker(String marker) {
        if (marker != null && !isName(marker)) {
            throw invalid("marker must be null or a secret name, ^[a-zA-Z0-9_-]{1,64}$ (R2)");
        }
    }
}
