package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Random;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.secretstages.SecretValue;
import io.secretstages.spi.StoreException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Seals values into {@link Envelope}s and opens them (E1-E4 in docs/rules.md), with Tink for every primitive: each
 * value gets a fresh AES-256-GCM data key (32 bytes from Tink's {@link Random}, used through Tink's
 * {@link AesGcmJce}: random 12-byte IV, 16-byte tag), which the key-encryption key (any Tink {@link Aead}: a local
 * keyset or a KMS key) wraps. Both ciphertexts carry associated data with the value's {@link ValuePlace}; the
 * value's also covers its type, the wrapped key's also covers the key id recorded next to it.
 *
 * <p>As in Tink's {@code KmsEnvelopeAead}, a data key is in the clear to seal or open one value and to be wrapped,
 * and those copies are zeroed after use; in addition, up to {@value #UNWRAPPED_KEYS} unwrapped data keys are kept
 * in the heap (as the AWS Encryption SDK's data key cache does), keyed by the wrapped key and the associated data
 * it was authenticated with, so reading a value again skips the key-encryption key (measured: it was most of an
 * encrypted read's cost on the memory store). The heap holds plaintext values in the manager's caches already (see
 * the README's threat model). Tink's key objects ({@code AesGcmKey}) are not used for it: building
 * one per value costs more than the encryption itself, and a raw AES-GCM key is all a data key is. Thread-safe.
 */
final class EnvelopeSealer {
    private static final byte[] VALUE_DOMAIN = "secret-stages value".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_DOMAIN = "secret-stages data key".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA_KEY_SIZE = 32;

    /**
     * Data keys already unwrapped, so a value read again costs no key-encryption-key call (a KMS round trip, or a
     * local AES-GCM whose key schedule Tink's one thread-local {@code Cipher} rebuilds after every data key).
     */
    private static final int UNWRAPPED_KEYS = 10_000;

    private final Aead keyEncryptionKey;
    private final int primaryKeyId;
    private final Cache<UnwrappedKey, byte[]> unwrapped = Caffeine.newBuilder().maximumSize(UNWRAPPED_KEYS).build();

    /**
     * @param keyEncryptionKey wraps and unwraps data keys
     * @param primaryKeyId the Tink key id of its primary key (the one that wraps), or 0 if not known
     */
    EnvelopeSealer(Aead keyEncryptionKey, int primaryKeyId) {
        this.keyEncryptionKey = Objects.requireNonNull(keyEncryptionKey, "keyEncryptionKey");
        this.primaryKeyId = primaryKeyId;
    }

    /** @return the key id new envelopes record, 0 if not known */
    int primaryKeyId() {
        return primaryKeyId;
    }

    /**
     * @param value the plaintext
     * @param place where it will be stored
     * @return the envelope's bytes
     * @throws StoreException if the key-encryption key failed (a KMS may be unreachable)
     */
    byte[] seal(SecretValue value, ValuePlace place) {
        byte[] plaintext = value.toBytes();
        byte[] rawKey = Random.randBytes(DATA_KEY_SIZE);
        try {
            byte type = value.isString() ? Envelope.STRING : Envelope.BINARY;
            byte[] valueAad = place.associatedData(VALUE_DOMAIN, new byte[]{Envelope.FORMAT_1, type});
            byte[] sealed = new AesGcmJce(rawKey).encrypt(plaintext, valueAad);
            byte[] wrapped = keyEncryptionKey.encrypt(rawKey,
                    place.associatedData(KEY_DOMAIN, Envelope.keyHeader(primaryKeyId)));
            return new Envelope(type, primaryKeyId, wrapped, sealed).toBytes();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new StoreException("could not encrypt the value of " + place + ": the key-encryption key failed ("
                    + e.getClass().getSimpleName() + ")", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    /**
     * @param stored an envelope's bytes
     * @param place where it was read from
     * @return the plaintext value
     * @throws StoreException if it does not open: a wrong or missing key, tampered bytes, or bytes moved from
     *                        another place (docs/rules.md E3); the message names the key id it needs, never a value or key
     */
    SecretValue open(byte[] stored, ValuePlace place) {
        Envelope envelope = parse(stored, place);
        byte[] rawKey = unwrap(envelope, place);
        try {
            if (rawKey.length != DATA_KEY_SIZE) {
                throw new GeneralSecurityException("unwrapped data key of " + rawKey.length + " bytes");
            }
            byte[] plaintext = new AesGcmJce(rawKey).decrypt(envelope.sealedValue(),
                    place.associatedData(VALUE_DOMAIN, envelope.valueHeader()));
            SecretValue value = SecretValue.fromBytes(envelope.isString(), plaintext);
            Arrays.fill(plaintext, (byte) 0);
            return value;
        } catch (GeneralSecurityException e) {
            throw failure(place, envelope, "the value did not authenticate under its data key", e);
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    /**
     * Re-wraps an envelope's data key under the current primary key (docs/rules.md E4), leaving the sealed value as it is.
     *
     * @param stored an envelope's bytes
     * @param place where it was read from
     * @return the new envelope's bytes, or empty if the envelope already records the current primary's key id
     * @throws StoreException if its data key does not unwrap (the old key is gone, or the bytes were tampered)
     */
    Optional<byte[]> rewrap(byte[] stored, ValuePlace place) {
        Envelope envelope = parse(stored, place);
        if (primaryKeyId != 0 && envelope.keyId() == primaryKeyId) {
            return Optional.empty();
        }
        byte[] rawKey = unwrap(envelope, place);
        try {
            byte[] wrapped = keyEncryptionKey.encrypt(rawKey,
                    place.associatedData(KEY_DOMAIN, Envelope.keyHeader(primaryKeyId)));
            return Optional.of(envelope.withWrappedKey(primaryKeyId, wrapped).toBytes());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new StoreException("could not re-wrap the data key of " + place
                    + ": the key-encryption key failed (" + e.getClass().getSimpleName() + ")", e);
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    /**
     * @param stored an envelope's bytes
     * @return the key id it records (0: not recorded)
     * @throws StoreException if the bytes are not an envelope
     */
    static int recordedKeyId(byte[] stored) {
        try {
            return Envelope.parse(stored).keyId();
        } catch (Envelope.MalformedEnvelopeException e) {
            throw new StoreException("stored bytes are not an envelope: " + e.getMessage());
        }
    }

    private static Envelope parse(byte[] stored, ValuePlace place) {
        try {
            return Envelope.parse(stored);
        } catch (Envelope.MalformedEnvelopeException e) {
            throw new StoreException("could not decrypt the value of " + place + ": " + e.getMessage()
                    + " (not written by an encrypting repository, or tampered)");
        }
    }

    /**
     * @return a copy of the envelope's data key (the caller zeroes it): from the cache of unwrapped keys when the same
     *         wrapped key was unwrapped under the same associated data before, else unwrapped by the key-encryption key
     */
    private byte[] unwrap(Envelope envelope, ValuePlace place) {
        byte[] associatedData = place.associatedData(KEY_DOMAIN, envelope.keyHeader());
        UnwrappedKey cacheKey = new UnwrappedKey(envelope.wrappedKey(), associatedData);
        byte[] cached = unwrapped.getIfPresent(cacheKey);
        if (cached != null) {
            return cached.clone();
        }
        byte[] rawKey;
        try {
            rawKey = keyEncryptionKey.decrypt(envelope.wrappedKey(), associatedData);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw failure(place, envelope, "its data key did not unwrap", e);
        }
        if (rawKey.length == DATA_KEY_SIZE) {
            unwrapped.put(cacheKey, rawKey.clone());
        }
        return rawKey;
    }

    /**
     * A wrapped data key with the associated data it was unwrapped under: the cache hands out a key only for exactly
     * the bytes and place the key-encryption key authenticated, so a cache hit means what a fresh unwrap would.
     */
    private record UnwrappedKey(byte[] wrappedKey, byte[] associatedData) {
        @Override
        public boolean equals(Object o) {
            return o instanceof UnwrappedKey k && Arrays.equals(wrappedKey, k.wrappedKey)
                    && Arrays.equals(associatedData, k.associatedData);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(wrappedKey) + Arrays.hashCode(associatedData);
        }

        @Override
        public String toString() {
            return "UnwrappedKey[redacted]";
        }
    }

    private static StoreException failure(ValuePlace place, Envelope envelope, String what, Exception cause) {
        String key = envelope.keyId() == 0 ? "the key-encryption key it was sealed with (no key id recorded)"
                : "key-encryption key id " + Integer.toUnsignedString(envelope.keyId());
        return new StoreException("could not decrypt the value of " + place + ": " + what
                + " (wrong key, tampered, or moved from another version, secret or project); it needs " + key
                + " (" + cause.getClass().getSimpleName() + ")", cause);
    }
}
