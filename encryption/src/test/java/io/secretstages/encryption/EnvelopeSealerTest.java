package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import io.secretstages.SecretValue;
import io.secretstages.spi.StoreException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/** The envelope by itself (docs/rules.md E1-E5): round trips, tampering, places, rotation, size. */
class EnvelopeSealerTest {
    private static final ValuePlace PLACE = new ValuePlace("p", "s", 3, Instant.parse("2026-01-01T00:00:00.123Z"));

    @BeforeAll
    static void tink() throws GeneralSecurityException {
        AeadConfig.register();
    }

    static EnvelopeSealer sealer(KeysetHandle keyset) throws GeneralSecurityException {
        return new EnvelopeSealer(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class),
                keyset.getPrimary().getId());
    }

    static void assertSameValue(SecretValue expected, SecretValue actual) {
        assertEquals(expected.isString(), actual.isString(), "type survives (R7)");
        assertArrayEquals(expected.toBytes(), actual.toBytes(), "byte for byte");
        assertEquals(expected, actual);
    }

    @Test
    void valuesComeBackByteForByte() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        qt().withExamples(TestValues.examples()).forAll(TestValues.values())
                .checkAssert(v -> assertSameValue(v, sealer.open(sealer.seal(v, PLACE), PLACE)));
    }

    @Test
    void theTypeIsPartOfTheValue() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        SecretValue text = SecretValue.ofString("abc");
        SecretValue bytes = SecretValue.ofBinary("abc".getBytes(StandardCharsets.UTF_8));
        assertSameValue(text, sealer.open(sealer.seal(text, PLACE), PLACE));
        assertSameValue(bytes, sealer.open(sealer.seal(bytes, PLACE), PLACE));
        byte[] envelope = sealer.seal(text, PLACE);
        envelope[1] = Envelope.BINARY; // claim the string is a binary
        assertThrows(StoreException.class, () -> sealer.open(envelope, PLACE));
    }

    @Test
    void everySealUsesAFreshDataKeyAndIv() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        SecretValue v = SecretValue.ofString("same");
        Envelope a = parse(sealer.seal(v, PLACE));
        Envelope b = parse(sealer.seal(v, PLACE));
        assertFalse(Arrays.equals(a.wrappedKey(), b.wrappedKey()));
        assertFalse(Arrays.equals(a.sealedValue(), b.sealedValue()));
    }

    @Test
    void aFlippedBitAnywhereFailsToOpen() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        qt().withExamples(TestValues.examples())
                .forAll(TestValues.values(), Generate.range(0, Integer.MAX_VALUE), Generate.range(0, 7))
                .checkAssert((v, where, bit) -> {
                    byte[] envelope = sealer.seal(v, PLACE);
                    int at = where % envelope.length;
                    envelope[at] ^= (byte) (1 << bit);
                    StoreException e = assertThrows(StoreException.class, () -> sealer.open(envelope, PLACE),
                            "bit " + bit + " of byte " + at);
                    assertTrue(e.getMessage().startsWith("could not decrypt the value of p/s/v3"), e.getMessage());
                });
    }

    @Test
    void anEnvelopeMovedToAnotherPlaceFailsToOpen() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        byte[] envelope = sealer.seal(SecretValue.ofString("bound"), PLACE);
        Instant created = PLACE.secretCreateTime();
        List<ValuePlace> elsewhere = List.of(
                new ValuePlace("q", "s", 3, created),                            // another project
                new ValuePlace("p", "t", 3, created),                            // another secret
                new ValuePlace("p", "s", 4, created),                            // another version
                new ValuePlace("p", "s", 3, created.plusMillis(1)),              // the secret created again
                new ValuePlace("p", "s", 3, created.plusNanos(1)),
                new ValuePlace("ps", "", 3, created),                            // the same bytes split otherwise
                new ValuePlace("", "ps", 3, created));
        for (ValuePlace other : elsewhere) {
            StoreException e = assertThrows(StoreException.class, () -> sealer.open(envelope, other), other::toString);
            assertTrue(e.getMessage().contains("key-encryption key id "), e.getMessage());
        }
        assertEquals("bound", sealer.open(envelope, PLACE).string().orElseThrow());
    }

    @Test
    void malformedBytesFailToOpen() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        byte[] good = sealer.seal(SecretValue.ofString("x"), PLACE);
        byte[] otherFormat = good.clone();
        otherFormat[0] = 2;
        for (byte[] bad : List.of(new byte[0], new byte[]{1}, Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, 20), otherFormat, "plain text".getBytes(StandardCharsets.UTF_8))) {
            StoreException e = assertThrows(StoreException.class, () -> sealer.open(bad, PLACE));
            assertTrue(e.getMessage().startsWith("could not decrypt the value of p/s/v3"), e.getMessage());
        }
    }

    @Test
    void aWrongKeyFailsToOpenAndTheMessageNamesTheKeyIdItNeeds() throws GeneralSecurityException {
        KeysetHandle keyset = KeyEncryptionKeys.generate();
        String value = "do-not-print-me";
        byte[] envelope = sealer(keyset).seal(SecretValue.ofString(value), PLACE);
        StoreException e = assertThrows(StoreException.class,
                () -> sealer(KeyEncryptionKeys.generate()).open(envelope, PLACE));
        String id = Integer.toUnsignedString(keyset.getPrimary().getId());
        assertTrue(e.getMessage().contains("needs key-encryption key id " + id), e.getMessage());
        assertFalse(e.toString().contains(value));
    }

    @Test
    void rotationOldKeysStillOpenAndAfterARewrapOnlyTheNewKeyIsNeeded() throws GeneralSecurityException {
        KeysetHandle old = KeyEncryptionKeys.generate();
        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        int oldId = old.getPrimary().getId();
        int newId = rotated.getPrimary().getId();
        assertNotEquals(oldId, newId);
        assertEquals(2, rotated.size());
        SecretValue v = SecretValue.ofString("rotate me");
        byte[] underOld = sealer(old).seal(v, PLACE);
        EnvelopeSealer current = sealer(rotated);
        assertSameValue(v, current.open(underOld, PLACE)); // the old key is still in the keyset
        assertEquals(newId, EnvelopeSealer.recordedKeyId(current.seal(v, PLACE)), "the new primary wraps new keys");

        byte[] rewrapped = current.rewrap(underOld, PLACE).orElseThrow();
        assertEquals(newId, EnvelopeSealer.recordedKeyId(rewrapped));
        assertArrayEquals(parse(underOld).sealedValue(), parse(rewrapped).sealedValue(),
                "the value itself is not re-encrypted");
        assertEquals(Optional.empty(), current.rewrap(rewrapped, PLACE), "already under the primary");

        EnvelopeSealer newOnly = sealer(KeyEncryptionKeys.retire(rotated, oldId));
        assertSameValue(v, newOnly.open(rewrapped, PLACE));
        StoreException e = assertThrows(StoreException.class, () -> newOnly.open(underOld, PLACE));
        assertTrue(e.getMessage().contains("needs key-encryption key id " + Integer.toUnsignedString(oldId)),
                e.getMessage());
        assertThrows(StoreException.class, () -> newOnly.rewrap(underOld, PLACE), "a retired key cannot re-wrap");
        assertThrows(IllegalArgumentException.class, () -> KeyEncryptionKeys.retire(rotated, newId), "the primary");
    }

    @Test
    void aBareAeadRecordsNoKeyIdAndRewrapsEverything() throws GeneralSecurityException {
        KeysetHandle keyset = KeyEncryptionKeys.generate();
        EnvelopeSealer bare = new EnvelopeSealer(keyset.getPrimitive(RegistryConfiguration.get(), Aead.class), 0);
        byte[] envelope = bare.seal(SecretValue.ofString("v"), PLACE);
        assertEquals(0, EnvelopeSealer.recordedKeyId(envelope));
        assertTrue(bare.rewrap(envelope, PLACE).isPresent());
        StoreException e = assertThrows(StoreException.class,
                () -> sealer(KeyEncryptionKeys.generate()).open(envelope, PLACE));
        assertTrue(e.getMessage().contains("no key id recorded"), e.getMessage());
    }

    @Test
    void a32KiBValueFitsInItsSizeBound() throws GeneralSecurityException {
        EnvelopeSealer sealer = sealer(KeyEncryptionKeys.generate());
        byte[] max = new byte[TestValues.MAX_BYTES];
        Arrays.fill(max, (byte) 7);
        byte[] envelope = sealer.seal(SecretValue.ofBinary(max), PLACE);
        // E5: header 8, wrapped key 5 (Tink prefix) + 12 + 32 + 16, value 12 + n + 16
        assertEquals(TestValues.MAX_BYTES + 101, envelope.length);
        assertTrue(envelope.length <= TestValues.MAX_BYTES + Envelope.HEADER_SIZE + Envelope.MAX_WRAPPED_KEY_SIZE
                + Envelope.MIN_SEALED_VALUE_SIZE);
        assertEquals(101, sealer.seal(SecretValue.ofBinary(new byte[0]), PLACE).length);
    }

    private static Envelope parse(byte[] bytes) {
        try {
            return Envelope.parse(bytes);
        } catch (Envelope.MalformedEnvelopeException e) {
            throw new AssertionError(e);
        }
    }
}
