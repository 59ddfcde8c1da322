package io.secretstages;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arrays;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

/** R7 at the value level: kinds, exact round trips through bytes, equality by content, redacted toString. */
class SecretValueTest {
    @Test
    void nullIsInvalidParameter() {
        assertEquals(ErrorCode.INVALID_PARAMETER, assertThrows(StageException.class, () -> SecretValue.ofString(null)).code());
        assertEquals(ErrorCode.INVALID_PARAMETER, assertThrows(StageException.class, () -> SecretValue.ofBinary(null)).code());
    }

    @Test
    void stringAndBinaryOfTheSameBytesAreDifferentValues() {
        SecretValue s = SecretValue.ofString("abc");
        SecretValue b = SecretValue.ofBinary("abc".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(s, b);
        assertNotEquals(b, s);
        assertTrue(s.string().isPresent() && s.binary().isEmpty());
        assertTrue(b.binary().isPresent() && b.string().isEmpty());
    }

    @Test
    void binaryIsCopiedInAndOut() {
        byte[] in = {1, 2};
        SecretValue v = SecretValue.ofBinary(in);
        in[0] = 7;
        v.binary().orElseThrow()[1] = 7;
        assertArrayEquals(new byte[]{1, 2}, v.binary().orElseThrow());
    }

    @Test
    void wellFormedStringsRoundTripThroughBytesWithTheirUtf8Size() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).assuming(s -> StandardCharsets.UTF_8.newEncoder().canEncode(s))
                .checkAssert(s -> {
                    SecretValue v = SecretValue.ofString(s);
                    assertTrue(v.isWellFormed());
                    assertEquals(s.getBytes(StandardCharsets.UTF_8).length, v.sizeInBytes());
                    SecretValue back = SecretValue.fromBytes(true, v.toBytes());
                    assertEquals(v, back);
                    assertEquals(v.hashCode(), back.hashCode());
                });
    }

    @Test
    void binaryValuesRoundTripThroughBytes() {
        qt().forAll(arrays().ofIntegers(integers().between(-128, 127)).withLengthBetween(0, 64)).checkAssert(ints -> {
            byte[] bytes = new byte[ints.length];
            for (int i = 0; i < ints.length; i++) {
                bytes[i] = (byte) (int) ints[i];
            }
            SecretValue v = SecretValue.ofBinary(bytes);
            assertEquals(bytes.length, v.sizeInBytes());
            assertEquals(v, SecretValue.fromBytes(false, v.toBytes()));
        });
    }

    @Test
    void loneSurrogatesAreNotWellFormed() {
        assertFalse(SecretValue.ofString("a\ud800").isWellFormed());
        assertFalse(SecretValue.ofString("\udc00a").isWellFormed());
        assertTrue(SecretValue.ofString("\ud83d\udd11").isWellFormed());
        assertEquals(4, SecretValue.ofString("\ud83d\udd11").sizeInBytes());
    }

    /** equals is by content, char by char (the comparison has no early exit; its time is not asserted here). */
    @Test
    void equalsIsContentEqualityForEveryPairOfTheSameLength() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 12), integers().between(0, 11),
                        integers().between(0, 0xFFFF), integers().between(0, 2))
                .checkAssert((s, at, c, copy) -> {
                    // a copy (one in three) or a near miss: one char replaced (lone surrogates included)
                    char[] chars = s.toCharArray();
                    if (chars.length > 0 && copy != 0) {
                        chars[at % chars.length] = (char) (int) c;
                    }
                    String t = new String(chars);
                    boolean same = s.equals(t);
                    SecretValue vs = SecretValue.ofString(s);
                    SecretValue vt = SecretValue.ofString(t);
                    SecretValue bs = SecretValue.ofBinary(charBytes(s));
                    SecretValue bt = SecretValue.ofBinary(charBytes(t));
                    assertEquals(same, vs.equals(vt));
                    assertEquals(same, vt.equals(vs));
                    assertEquals(same, bs.equals(bt));
                    assertEquals(same, bt.equals(bs));
                    if (same) {
                        assertEquals(vs.hashCode(), vt.hashCode());
                        assertEquals(bs.hashCode(), bt.hashCode());
                    }
                    assertNotEquals(vs, bs); // a string never equals a binary, whatever the bytes
                    assertNotEquals(bs, vs);
                });
        assertNotEquals(SecretValue.ofString("a\ud800"), SecretValue.ofString("a\udc00")); // same UTF-8 bytes ("a?")
        assertNotEquals(SecretValue.ofString("ab"), SecretValue.ofString("abc"));
        assertNotEquals(SecretValue.ofBinary(new byte[] {1}), SecretValue.ofBinary(new byte[] {1, 0}));
    }

    /** Two bytes per char, lone surrogates as they are (an encoder would replace them). */
    private static byte[] charBytes(String s) {
        byte[] b = new byte[2 * s.length()];
        for (int i = 0; i < s.length(); i++) {
            b[2 * i] = (byte) (s.charAt(i) >>> 8);
            b[2 * i + 1] = (byte) s.charAt(i);
        }
        return b;
    }

    @Test
    void toStringNeverShowsTheContent() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(3, 20)).checkAssert(s -> {
            assertEquals("SecretValue[string, redacted]", SecretValue.ofString(s).toString());
            assertEquals("SecretValue[binary, redacted]", SecretValue.ofBinary(s.getBytes(StandardCharsets.UTF_8)).toString());
        });
    }
}
