package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyset files: the cleartext form (embedded default) and the encrypted form (production). */
class KeysetFilesTest {
    @TempDir
    Path dir;

    private static byte[] roundTrip(KeysetHandle writer, KeysetHandle reader) throws GeneralSecurityException {
        byte[] ciphertext = writer.getPrimitive(RegistryConfiguration.get(), Aead.class)
                .encrypt("hello".getBytes(StandardCharsets.UTF_8), new byte[0]);
        return reader.getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(ciphertext, new byte[0]);
    }

    @Test
    void aCleartextKeysetIsWrittenOwnerOnlyAndReadBack() throws Exception {
        KeysetHandle keyset = KeyEncryptionKeys.rotate(KeyEncryptionKeys.generate());
        Path file = dir.resolve("keyset.json");
        KeysetFiles.writeCleartext(keyset, file);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        KeysetHandle read = KeysetFiles.readCleartext(file);
        assertEquals(2, read.size());
        assertEquals(keyset.getPrimary().getId(), read.getPrimary().getId());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), roundTrip(keyset, read));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void anEncryptedKeysetNeedsItsMasterKeyAndHoldsNoKeyInTheClear() throws Exception {
        KeysetHandle keyset = KeyEncryptionKeys.generate();
        Aead master = KeyEncryptionKeys.generate().getPrimitive(RegistryConfiguration.get(), Aead.class);
        byte[] context = "stages".getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("keyset.enc.json");
        KeysetFiles.writeEncrypted(keyset, file, master, context);
        String json = Files.readString(file);
        assertTrue(json.contains("encryptedKeyset"), json);
        assertFalse(json.contains("\"value\""), "no key material in the clear");
        KeysetHandle read = KeysetFiles.readEncrypted(file, master, context);
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), roundTrip(keyset, read));
        Aead otherMaster = KeyEncryptionKeys.generate().getPrimitive(RegistryConfiguration.get(), Aead.class);
        assertThrows(GeneralSecurityException.class, () -> KeysetFiles.readEncrypted(file, otherMaster, context));
        assertThrows(GeneralSecurityException.class, () -> KeysetFiles.readEncrypted(file, master, new byte[0]));
        assertThrows(GeneralSecurityException.class, () -> KeysetFiles.readCleartext(file));
    }
}
