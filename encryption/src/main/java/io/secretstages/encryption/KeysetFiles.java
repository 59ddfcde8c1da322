package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;

/**
 * Reads and writes key-encryption keysets as files, in Tink's JSON keyset format.
 *
 * <ul>
 *   <li><b>Production: an encrypted keyset.</b> The file holds the keyset encrypted by a KMS key (any Tink
 *       {@link Aead}, for example from {@code AwsKmsClient} or {@code GcpKmsClient}); whoever copies the file or the
 *       database still needs the KMS to read anything. {@link #readEncrypted} and {@link #writeEncrypted}.</li>
 *   <li><b>Embedded default: a cleartext keyset.</b> The file holds the keys themselves. It protects a database
 *       dump or backup that leaves without the file; it protects nothing against anyone who can read the file
 *       (the application host, its backups, its disk image). Keep it off the database's disk and backups, readable
 *       by the application's user only ({@link #writeCleartext} creates it with mode 600).
 *       {@link #readCleartext} and {@link #writeCleartext}.</li>
 * </ul>
 */
public final class KeysetFiles {
    static {
        AeadRegistration.ensure();
    }

    private KeysetFiles() {
    }

    /**
     * @param file a cleartext JSON keyset (as {@link #writeCleartext} or {@code tinkey create-keyset} write it)
     * @return the keyset
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it is not a keyset
     */
    public static KeysetHandle readCleartext(Path file) throws IOException, GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file, StandardCharsets.UTF_8),
                InsecureSecretKeyAccess.get());
    }

    /**
     * Writes a keyset in the clear, atomically and durably (on disk before the old file is replaced), readable and
     * writable by the owner only where the file system has POSIX permissions.
     *
     * @param keyset the keyset
     * @param file the file, replaced if it exists
     * @throws IOException if the file cannot be written
     * @throws GeneralSecurityException if the keyset cannot be serialized
     */
    public static void writeCleartext(KeysetHandle keyset, Path file) throws IOException, GeneralSecurityException {
        write(file, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
    }

    /**
     * @param file a JSON keyset encrypted by {@code keyEncryptionKey} (as {@link #writeEncrypted} or
     *             {@code tinkey create-keyset --master-key-uri ...} write it)
     * @param keysetEncryptionKey the key it is encrypted with, usually a KMS key
     * @param associatedData the associated data it was encrypted with (empty if none)
     * @return the keyset
     * @throws IOException if the file cannot be read
     * @throws GeneralSecurityException if it does not decrypt
     */
    public static KeysetHandle readEncrypted(Path file, Aead keysetEncryptionKey, byte[] associatedData)
            throws IOException, GeneralSecurityException {
        return TinkJsonProtoKeysetFormat.parseEncryptedKeyset(Files.readString(file, StandardCharsets.UTF_8),
                keysetEncryptionKey, associatedData);
    }

    /**
     * Writes a keyset encrypted by {@code keysetEncryptionKey}, atomically and durably (on disk before the old file is
     * replaced).
     *
     * @param keyset the keyset
     * @param file the file, replaced if it exists
     * @param keysetEncryptionKey the key to encrypt it with, usually a KMS key
     * @param associatedData associated data to bind it to (empty if none)
     * @throws IOException if the file cannot be written
     * @throws GeneralSecurityException if the keyset cannot be encrypted
     */
    public static void writeEncrypted(KeysetHandle keyset, Path file, Aead keysetEncryptionKey,
                                      byte[] associatedData) throws IOException, GeneralSecurityException {
        write(file, TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(keyset, keysetEncryptionKey, associatedData));
    }

    private static void write(Path file, String json) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            }
            // on disk before it replaces the old file: a crash of the machine must not leave an empty or partly
            // written keyset where the only copy of the keys was (a rotation writes over it)
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename durable: the directory entry is on disk when the write returns. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            // a platform that cannot open a directory (Windows) makes the rename durable on its own terms
        }
    }
}
