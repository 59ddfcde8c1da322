package io.secretstages.encryption;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.security.GeneralSecurityException;

/**
 * Creates and rotates local key-encryption keysets (AES-256-GCM keys, Tink output prefix), the steps of docs/rules.md E4:
 * {@link #generate()} once; at each rotation {@link #rotate} (a new primary wraps new data keys, the old keys still
 * unwrap), then {@link EncryptingRepository#rewrap} re-wraps every stored data key, then {@link #retire} removes
 * the old key. Keysets are immutable: each method returns a new one, to be saved with {@link KeysetFiles}.
 */
public final class KeyEncryptionKeys {
    static {
        AeadRegistration.ensure();
    }

    private KeyEncryptionKeys() {
    }

    /**
     * @return a new keyset of one AES-256-GCM key
     * @throws GeneralSecurityException if Tink cannot create it
     */
    public static KeysetHandle generate() throws GeneralSecurityException {
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    /**
     * @param keyset the current keyset
     * @return the keyset with a new AES-256-GCM key as its primary; the other keys stay (enabled)
     * @throws GeneralSecurityException if Tink cannot create the key
     */
    public static KeysetHandle rotate(KeysetHandle keyset) throws GeneralSecurityException {
        return KeysetHandle.newBuilder(keyset)
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId().setStatus(KeyStatus.ENABLED).makePrimary())
                .build();
    }

    /**
     * @param keyset a keyset
     * @param keyId the id of a key that is not the primary
     * @return the keyset without that key: data keys it wrapped no longer unwrap, so re-wrap first
     * @throws IllegalArgumentException if the keyset has no such key, or it is the primary
     * @throws GeneralSecurityException if Tink cannot build the keyset
     */
    public static KeysetHandle retire(KeysetHandle keyset, int keyId) throws GeneralSecurityException {
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        for (int i = 0; i < builder.size(); i++) {
            if (keyset.getAt(i).getId() == keyId) {
                if (keyset.getAt(i).isPrimary()) {
                    throw new IllegalArgumentException("key " + Integer.toUnsignedString(keyId)
                            + " is the primary: rotate first");
                }
                return builder.deleteAt(i).build();
            }
        }
        throw new IllegalArgumentException("the keyset has no key " + Integer.toUnsignedString(keyId));
    }
}
