package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import io.secretstages.SecretValue;
import io.secretstages.spi.StoreException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sealer's cache of unwrapped data keys changes what a read costs, never what it returns (docs/rules.md E2, E3):
 * a value read again skips the key-encryption key, and an envelope moved to another place, or tampered, fails even
 * after its data key is in the cache.
 */
class UnwrappedKeyCacheTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00.123Z");
    private static final ValuePlace PLACE = new ValuePlace("p", "s", 3, CREATED);

    @BeforeAll
    static void tink() throws GeneralSecurityException {
        AeadConfig.register();
    }

    /** The keyset's primitive, counting its decryptions. */
    private static final class CountingAead implements Aead {
        final Aead inner;
        final AtomicInteger decryptions = new AtomicInteger();

        CountingAead(KeysetHandle keyset) throws GeneralSecurityException {
            inner = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        }

        @Override
        public byte[] encrypt(byte[] plaintext, byte[] associatedData) throws GeneralSecurityException {
            return inner.encrypt(plaintext, associatedData);
        }

        @Override
        public byte[] decrypt(byte[] ciphertext, byte[] associatedData) throws GeneralSecurityException {
            decryptions.incrementAndGet();
            return inner.decrypt(ciphertext, associatedData);
        }
    }

    private CountingAead kek;
    private EnvelopeSealer sealer;
    private byte[] stored;

    @BeforeEach
    void sealOneValue() throws GeneralSecurityException {
        KeysetHandle keyset = KeyEncryptionKeys.generate();
        kek = new CountingAead(keyset);
        sealer = new EnvelopeSealer(kek, keyset.getPrimary().getId());
        stored = sealer.seal(SecretValue.ofString("pw-1"), PLACE);
    }

    @Test
    void aValueReadAgainSkipsTheKeyEncryptionKey() throws GeneralSecurityException {
        for (int i = 0; i < 5; i++) {
            assertEquals(SecretValue.ofString("pw-1"), sealer.open(stored, PLACE));
        }
        assertEquals(1, kek.decryptions.get(), "one unwrap, then the cache");
    }

    @Test
    void aCachedKeyOpensNothingElsewhere_andATamperedValueStillFails() throws GeneralSecurityException {
        sealer.open(stored, PLACE); // its data key is cached now
        for (ValuePlace elsewhere : new ValuePlace[]{new ValuePlace("p", "s", 4, CREATED),
                new ValuePlace("p", "other", 3, CREATED), new ValuePlace("q", "s", 3, CREATED),
                new ValuePlace("p", "s", 3, CREATED.plusMillis(1))}) {
            StoreException e = assertThrows(StoreException.class, () -> sealer.open(stored, elsewhere));
            assertTrue(e.getMessage().startsWith("could not decrypt the value of " + elsewhere), e.getMessage());
        }
        byte[] flipped = stored.clone();
        flipped[flipped.length - 1] ^= 1; // in the sealed value's tag: the wrapped key, and so the cache entry, match
        assertThrows(StoreException.class, () -> sealer.open(flipped, PLACE));
        assertEquals(SecretValue.ofString("pw-1"), sealer.open(stored, PLACE), "the original still opens");
    }
}
