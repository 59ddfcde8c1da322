package io.secretstages.encryption;

import com.google.crypto.tink.aead.AeadConfig;

import java.security.GeneralSecurityException;

/**
 * Registers Tink's AEAD key types once per JVM, before this module parses, creates or uses any keyset. Internal:
 * each public entry point calls {@link #ensure()} from its static initializer.
 */
final class AeadRegistration {
    static {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AeadRegistration() {
    }

    /** Registers on the first call (loading this class); a no-op after that. */
    static void ensure() {
        // the static initializer did the work
    }
}
