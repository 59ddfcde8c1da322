package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@link ReferenceModel}'s argument checks (R1-R4, R7), written with regular expressions so that they share no
 * code with the library's validation, and its refusal.
 */
final class ModelInputs {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern VERSION_ID = Pattern.compile("v[0-9]{1,63}");

    private ModelInputs() {
    }

    /** A refusal of the model. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ErrorCode code;

        Refusal(ErrorCode code) {
            super(code.name(), null, false, false);
            this.code = code;
        }
    }

    static Refusal refuse(ErrorCode code) {
        return new Refusal(code);
    }

    /** R1-R3: each a name of 1-64 characters of {@code [A-Za-z0-9_-]}, else INVALID_PARAMETER. */
    static void requireNames(String... names) {
        for (String n : names) {
            if (n == null || !NAME.matcher(n).matches()) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
        }
    }

    /** @return whether {@code id} is a well-formed version id (R4) */
    static boolean isVersionId(String id) {
        return id != null && VERSION_ID.matcher(id).matches();
    }

    /** R20: a guard is present, and empty or a well-formed id, else INVALID_PARAMETER. */
    static void requireGuard(Optional<String> guard) {
        if (guard == null || (guard.isPresent() && !isVersionId(guard.get()))) {
            throw refuse(ErrorCode.INVALID_PARAMETER);
        }
    }

    /** R7: a value of at most 32,768 bytes (a string's in UTF-8), else INVALID_PARAMETER. */
    static void requireValue(SecretValue v) {
        if (v == null) {
            throw refuse(ErrorCode.INVALID_PARAMETER);
        }
        int size;
        if (v.string().isPresent()) {
            String s = v.string().get();
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            size = s.getBytes(StandardCharsets.UTF_8).length;
        } else {
            size = v.binary().orElseThrow().length;
        }
        if (size > 32768) {
            throw refuse(ErrorCode.INVALID_PARAMETER);
        }
    }

    /** @return a value as an outcome shows it: its kind, length and hash, never its bytes */
    static String describe(SecretValue v) {
        return v.string().map(x -> "s'" + x.length() + ":" + x.hashCode())
                .orElseGet(() -> "b" + Arrays.toString(v.binary().orElseThrow()).hashCode());
    }
}
