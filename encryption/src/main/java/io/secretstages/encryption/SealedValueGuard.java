package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A store opened <em>without</em> its key-encryption key, for tools that may be pointed at an encrypted database by
 * mistake (stagectl without {@code --keyset}): a stored value that is a sealed envelope (docs/rules.md E1) is not
 * handed out as a binary value of ciphertext but fails as a {@link StoreException} (so {@code STORE_FAILURE}) saying
 * it is encrypted and which key id it needs (E3); a new value is refused for a secret whose latest value is sealed,
 * so plaintext is never written next to ciphertext. Everything else passes through.
 *
 * <p>The check is by shape (a binary value laid out as a format-1 envelope: format byte, value type, key id, and a
 * wrapped data key length that fits the value), so a plain binary value that happens to have that exact shape is refused too; an application
 * that stores such values should not use this guard. It costs one value read before each write of a new version.
 */
public final class SealedValueGuard extends ValueFilteringStore {
    private SealedValueGuard(StageRepository store) {
        super(store);
    }

    /**
     * @param store a store that may hold envelopes written by an {@link EncryptingRepository}
     * @return the store, refusing to hand out or write next to sealed values
     */
    public static StageRepository wrap(StageRepository store) {
        return new SealedValueGuard(store);
    }

    /**
     * @param stored a value as a store holds it
     * @return the key-encryption key id recorded in it, if it is a sealed envelope (0: sealed, id not recorded)
     */
    public static OptionalLong sealedKeyId(SecretValue stored) {
        if (stored.isString()) {
            return OptionalLong.empty();
        }
        try {
            Envelope envelope = Envelope.parse(stored.toBytes());
            return OptionalLong.of(Integer.toUnsignedLong(envelope.keyId()));
        } catch (Envelope.MalformedEnvelopeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        if (change.newVersion().isPresent() && change.base() != null && !change.base().versions().isEmpty()) {
            SecretSnapshot base = change.base();
            long latest = base.versions().get(base.versions().size() - 1).number();
            store.loadValue(base, latest).ifPresent(v -> refuseSealed(v, base.key(), latest, "write next to"));
        }
        return store.apply(change);
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        return store.rewriteValues(base, values);
    }

    @Override
    SecretValue readValue(SecretKey key, long versionNumber, Instant createTime, SecretValue stored) {
        refuseSealed(stored, key, versionNumber, "read");
        return stored;
    }

    private static void refuseSealed(SecretValue stored, SecretKey key, long versionNumber, String what) {
        OptionalLong keyId = sealedKeyId(stored);
        if (keyId.isPresent()) {
            throw new StoreException("could not decrypt the value of " + key.projectId() + "/" + key.secretName()
                    + "/v" + versionNumber + ": it is encrypted at rest and no key-encryption key was given (it needs "
                    + (keyId.getAsLong() == 0 ? "the key it was sealed with" : "key-encryption key id "
                    + keyId.getAsLong()) + "); cannot " + what + " it");
        }
    }

    @Override
    public String toString() {
        return "SealedValueGuard[" + store + "]";
    }
}
