package io.secretstages.encryption;

import io.secretstages.SecretValue;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Generators of secret values for the properties: strings and binaries of 0 to 32 KiB (R7). Test code. */
final class TestValues {
    static final int MAX_BYTES = 32 * 1024;

    private TestValues() {
    }

    /** @return the number of examples a property runs: {@code secretstages.stateful.examples} (soak raises it) */
    static int examples() {
        return Math.max(50, Integer.getInteger("secretstages.stateful.examples", 300) / 3);
    }

    /** @return whether this is a soak run ({@code -Psoak} sets {@code secretstages.soak.ops}) */
    static boolean soak() {
        return Long.getLong("secretstages.soak.ops", 0) > 0;
    }

    /** @return binaries of 0 to 32 KiB, any bytes, sizes biased to both ends */
    static Gen<SecretValue> binaries() {
        Gen<Integer> sizes = Generate.frequency(
                org.quicktheories.api.Pair.of(3, Generate.range(0, 64)),
                org.quicktheories.api.Pair.of(2, Generate.range(0, MAX_BYTES)),
                org.quicktheories.api.Pair.of(1, Generate.constant(MAX_BYTES)));
        return Generate.byteArrays(sizes, Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                .map(SecretValue::ofBinary);
    }

    /** @return well-formed strings (no lone surrogate) of at most 32 KiB in UTF-8, any code point */
    static Gen<SecretValue> strings() {
        Gen<Integer> lengths = Generate.frequency(
                org.quicktheories.api.Pair.of(3, Generate.range(0, 32)),
                org.quicktheories.api.Pair.of(2, Generate.range(0, MAX_BYTES / 4)));
        Gen<Integer> codePoints = Generate.frequency(
                org.quicktheories.api.Pair.of(3, Generate.range(0x20, 0x7e)),
                org.quicktheories.api.Pair.of(1, Generate.range(0, 0x10FFFF - 0x800)));
        return Generate.intArrays(lengths, codePoints).map(cps -> {
            StringBuilder s = new StringBuilder();
            for (int cp : cps) {
                s.appendCodePoint(cp >= 0xD800 && cp < 0x10FFFF - 0x800 ? cp + 0x800 : cp); // skip surrogates
            }
            return SecretValue.ofString(s.toString());
        });
    }

    /** @return strings and binaries */
    static Gen<SecretValue> values() {
        return strings().mix(binaries());
    }

    /**
     * @param maxBytes the most random bytes (at least 1)
     * @return a random short value for the concurrent-writer tests: binary, or a string, half and half
     */
    static SecretValue random(int maxBytes) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        byte[] bytes = new byte[1 + r.nextInt(maxBytes)];
        r.nextBytes(bytes);
        return r.nextBoolean() ? SecretValue.ofBinary(bytes) : SecretValue.ofString("pw-" + r.nextLong());
    }
}
