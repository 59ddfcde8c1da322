package io.secretstages.cli;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.KeysetFiles;
import io.secretstages.encryption.SealedValueGuard;
import io.secretstages.spi.StageRepository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The global {@code --keyset FILE}: the key-encryption keyset (a cleartext Tink JSON keyset, as
 * {@code KeysetFiles.writeCleartext} writes it) of an encrypted database (docs/rules.md E1-E5). Read before the
 * store is opened, so a missing or bad keyset is a usage error that touches nothing; its messages name the file and
 * never a key. Without it, the store is guarded ({@link SealedValueGuard}): a sealed value fails to read, naming the
 * key id it needs, instead of printing ciphertext.
 */
final class KeysetOption {
    private final Path file;
    private final KeysetHandle keyset;

    private KeysetOption(Path file, KeysetHandle keyset) {
        this.file = file;
        this.keyset = keyset;
    }

    /**
     * @param file the {@code --keyset} file, or null for none
     * @return the option, its keyset read and checked
     * @throws CliFailure a usage error if the file is missing, unreadable, not a keyset, or not an AEAD keyset
     */
    static KeysetOption read(Path file) {
        if (file == null) {
            return new KeysetOption(null, null);
        }
        if (!Files.isRegularFile(file)) {
            throw CliFailure.usage("keyset file " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        KeysetHandle keyset;
        try {
            keyset = KeysetFiles.readCleartext(file);
            keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read the keyset file " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException | RuntimeException e) {
            // Tink's parse errors may quote the file: name only their kind
            throw CliFailure.usage("keyset file " + file + " is not a cleartext Tink AEAD keyset (JSON, as"
                    + " KeysetFiles.writeCleartext writes it; " + e.getClass().getSimpleName() + ")");
        }
        return new KeysetOption(file, keyset);
    }

    /** @return whether a keyset was given */
    boolean given() {
        return keyset != null;
    }

    /** @return the keyset file (for messages), or null */
    Path file() {
        return file;
    }

    /**
     * @param store the store as opened
     * @return it encrypting with the keyset, or guarded against sealed values without one
     */
    StageRepository apply(StageRepository store) {
        return keyset == null ? SealedValueGuard.wrap(store) : encrypting(store);
    }

    /**
     * @param store the store as opened
     * @return it encrypting with the keyset
     * @throws CliFailure a usage error if no keyset was given
     */
    EncryptingRepository encrypting(StageRepository store) {
        if (keyset == null) {
            throw CliFailure.usage("this command needs the key-encryption keyset: --keyset FILE");
        }
        try {
            return EncryptingRepository.wrap(store, keyset);
        } catch (GeneralSecurityException e) {
            throw CliFailure.usage("keyset file " + file + " is not an AEAD keyset (" + e.getClass().getSimpleName()
                    + ")");
        }
    }
}
