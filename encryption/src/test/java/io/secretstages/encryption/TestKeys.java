package io.secretstages.encryption;

import com.google.crypto.tink.KeysetHandle;
import io.secretstages.spi.StageRepository;

import java.security.GeneralSecurityException;

/** Keysets and encrypting repositories of the tests. Test code. */
final class TestKeys {
    static final KeysetHandle KEYSET;

    static {
        try {
            KEYSET = KeyEncryptionKeys.generate();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestKeys() {
    }

    static EncryptingRepository encrypted(StageRepository store, KeysetHandle keyset) {
        try {
            return EncryptingRepository.wrap(store, keyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static EncryptingRepository encrypted(StageRepository store) {
        return encrypted(store, KEYSET);
    }
}
