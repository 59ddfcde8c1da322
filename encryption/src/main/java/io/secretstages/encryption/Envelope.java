package io.secretstages.encryption;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The stored form of one sealed value (docs/rules.md E1), format 1. All integers big-endian:
 *
 * <pre>
 *  offset  size  field
 *  0       1     format, 0x01
 *  1       1     value type: 0x00 binary, 0x01 string (R7: the type survives)
 *  2       4     key id: the Tink key id of the key-encryption key's primary that wrapped the data key, 0 if not
 *                known (the key-encryption key was given as a bare Aead)
 *  6       2     n, the length of the wrapped data key, 1..4096
 *  8       n     wrapped data key: the key-encryption key's ciphertext of the 32-byte AES-256-GCM data key
 *  8+n     rest  sealed value: the data key's AES-GCM ciphertext of the value (12-byte IV, ciphertext, 16-byte tag)
 * </pre>
 *
 * The data key is wrapped separately from the value (not as one opaque {@code KmsEnvelopeAead} blob) so that a
 * key rotation can re-wrap it under a new key-encryption key without touching the sealed value (docs/rules.md E4). With a
 * local keyset the overhead is 8 + 65 + 28 = 101 bytes; a KMS ciphertext of the data key is larger (up to 4096).
 *
 * <p>This class only lays bytes out; {@link EnvelopeSealer} does the cryptography.
 */
final class Envelope {
    static final byte FORMAT_1 = 0x01;
    static final byte BINARY = 0x00;
    static final byte STRING = 0x01;
    static final int HEADER_SIZE = 8;
    static final int MAX_WRAPPED_KEY_SIZE = 4096;
    /** IV and tag of the AES-GCM ciphertext of the value. */
    static final int MIN_SEALED_VALUE_SIZE = 12 + 16;

    private final byte valueType;
    private final int keyId;
    private final byte[] wrappedKey;
    private final byte[] sealedValue;

    Envelope(byte valueType, int keyId, byte[] wrappedKey, byte[] sealedValue) {
        if (valueType != BINARY && valueType != STRING) {
            throw new IllegalArgumentException("value type");
        }
        if (wrappedKey.length == 0 || wrappedKey.length > MAX_WRAPPED_KEY_SIZE) {
            throw new IllegalArgumentException("wrapped data key of " + wrappedKey.length + " bytes");
        }
        this.valueType = valueType;
        this.keyId = keyId;
        this.wrappedKey = wrappedKey;
        this.sealedValue = sealedValue;
    }

    /**
     * @param stored the bytes a store holds
     * @return the envelope
     * @throws MalformedEnvelopeException if the bytes are not a format-1 envelope
     */
    static Envelope parse(byte[] stored) throws MalformedEnvelopeException {
        if (stored.length < HEADER_SIZE + 1 + MIN_SEALED_VALUE_SIZE) {
            throw new MalformedEnvelopeException("too short to be an envelope");
        }
        if (stored[0] != FORMAT_1) {
            throw new MalformedEnvelopeException("unknown envelope format " + (stored[0] & 0xff));
        }
        ByteBuffer in = ByteBuffer.wrap(stored);
        in.get();
        byte type = in.get();
        if (type != BINARY && type != STRING) {
            throw new MalformedEnvelopeException("unknown value type " + (type & 0xff));
        }
        int keyId = in.getInt();
        int n = Short.toUnsignedInt(in.getShort());
        if (n == 0 || n > MAX_WRAPPED_KEY_SIZE || HEADER_SIZE + n + MIN_SEALED_VALUE_SIZE > stored.length) {
            throw new MalformedEnvelopeException("wrapped data key length " + n + " out of range");
        }
        byte[] wrapped = Arrays.copyOfRange(stored, HEADER_SIZE, HEADER_SIZE + n);
        byte[] sealed = Arrays.copyOfRange(stored, HEADER_SIZE + n, stored.length);
        return new Envelope(type, keyId, wrapped, sealed);
    }

    /** @return the stored form */
    byte[] toBytes() {
        return ByteBuffer.allocate(HEADER_SIZE + wrappedKey.length + sealedValue.length)
                .put(FORMAT_1).put(valueType).putInt(keyId).putShort((short) wrappedKey.length)
                .put(wrappedKey).put(sealedValue)
                .array();
    }

    /**
     * @param newKeyId the key id of the key-encryption key that wrapped {@code newWrappedKey}
     * @param newWrappedKey the same data key, wrapped again
     * @return this envelope with the data key re-wrapped and the sealed value unchanged (docs/rules.md E4)
     */
    Envelope withWrappedKey(int newKeyId, byte[] newWrappedKey) {
        return new Envelope(valueType, newKeyId, newWrappedKey, sealedValue);
    }

    /** @return the bytes the value's associated data covers besides its place: format and value type */
    byte[] valueHeader() {
        return new byte[]{FORMAT_1, valueType};
    }

    /** @return the bytes the wrapped data key's associated data covers besides its place: format and key id */
    byte[] keyHeader() {
        return keyHeader(keyId);
    }

    static byte[] keyHeader(int keyId) {
        return ByteBuffer.allocate(5).put(FORMAT_1).putInt(keyId).array();
    }

    boolean isString() {
        return valueType == STRING;
    }

    byte valueType() {
        return valueType;
    }

    int keyId() {
        return keyId;
    }

    byte[] wrappedKey() {
        return wrappedKey;
    }

    byte[] sealedValue() {
        return sealedValue;
    }

    /** The stored bytes are not an envelope this version can read. */
    static final class MalformedEnvelopeException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedEnvelopeException(String message) {
            super(message);
        }
    }
}
