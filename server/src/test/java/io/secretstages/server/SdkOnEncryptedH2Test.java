package io.secretstages.server;

import com.google.crypto.tink.KeysetHandle;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.Version;
import io.secretstages.encryption.EncryptingRepository;
import io.secretstages.encryption.KeyEncryptionKeys;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CSMS server over an encrypted store (issue 15, docs/rules.md E1-E3): {@link SdkContract} in full, driven by
 * the provider's SDK, on {@link EncryptingRepository} over the JDBC store on in-memory H2; then what the database
 * holds after the SDK wrote through the server (no value in any form), and a server over the same database with
 * another keyset (a 500 {@code CSMS.0001}, never another value or ciphertext).
 */
class SdkOnEncryptedH2Test extends SdkContract {
    private JdbcDataSource dataSource;
    private Fixture fixture;

    @Override
    Fixture newFixture() {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:encrypted-server-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        fixture = Fixture.over(encrypted(JdbcStageRepository.builder(dataSource).initializeSchema(true).build(),
                newKeyset()));
        return fixture;
    }

    private static KeysetHandle newKeyset() {
        try {
            return KeyEncryptionKeys.generate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EncryptingRepository encrypted(JdbcStageRepository store, KeysetHandle keyset) {
        try {
            return EncryptingRepository.wrap(store, keyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whatTheSdkWroteIsReadBack_andTheDatabaseHoldsNoValueInAnyForm() throws Exception {
        CsmsClient client = fixture.client("p2");
        String name = "enc-" + UUID.randomUUID();
        String text = "enc-text-" + UUID.randomUUID();
        byte[] binary = ("enc-binary-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name).withSecretString(text)));
        client.createSecretVersion(new CreateSecretVersionRequest().withSecretName(name).withBody(
                new CreateSecretVersionRequestBody().withSecretBinary(Base64.getEncoder().encodeToString(binary))));

        assertEquals(text, version(client, name, "v1").getSecretString());
        assertArrayEquals(binary, Base64.getDecoder().decode(version(client, name, "latest").getSecretBinary()),
                "R7: the binary type survives the envelope");

        byte[] dump = dump();
        for (byte[] value : List.of(text.getBytes(StandardCharsets.UTF_8), binary)) {
            for (byte[] form : List.of(value, HexFormat.of().formatHex(value).getBytes(StandardCharsets.US_ASCII),
                    Base64.getEncoder().encode(value))) {
                assertFalse(contains(dump, form), "E1: a value in the database: " + new String(form,
                        StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void aServerWithAnotherKeysetAnswersStoreFailure_neverAValue() {
        CsmsClient client = fixture.client("p2");
        String name = "enc-" + UUID.randomUUID();
        String text = "enc-other-" + UUID.randomUUID();
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name).withSecretString(text)));
        try (Fixture other = Fixture.over(encrypted(JdbcStageRepository.builder(dataSource).build(), newKeyset()))) {
            ServiceResponseException e = assertThrows(ServiceResponseException.class,
                    () -> version(other.client("p2"), name, "v1"));
            assertEquals(500, e.getHttpStatusCode());
            assertEquals("CSMS.0001", e.getErrorCode(), e.getErrorMsg());
            assertFalse(String.valueOf(e.getErrorMsg()).contains(text));
        }
        assertEquals(text, version(client, name, "v1").getSecretString(), "the right keyset still opens it");
    }

    private static Version version(CsmsClient client, String name, String id) {
        return client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(name).withVersionId(id))
                .getVersion();
    }

    /** @return every cell of every table of the application's schema, as bytes */
    private byte[] dump() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new java.util.ArrayList<>();
            try (ResultSet t = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (t.next()) {
                    tables.add(t.getString(1));
                }
            }
            assertTrue(tables.stream().anyMatch(n -> n.equalsIgnoreCase("ss_versions")), tables.toString());
            for (String table : tables) {
                try (ResultSet rows = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            int type = rows.getMetaData().getColumnType(i);
                            boolean binaryColumn = type == java.sql.Types.BINARY || type == java.sql.Types.VARBINARY
                                    || type == java.sql.Types.LONGVARBINARY || type == java.sql.Types.BLOB;
                            byte[] cell = binaryColumn ? rows.getBytes(i) : null;
                            String text = binaryColumn ? null : rows.getString(i);
                            if (cell != null) {
                                all.writeBytes(cell);
                            }
                            if (text != null) {
                                all.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                            }
                        }
                    }
                }
            }
        }
        return all.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) { // ISO-8859-1 maps each byte to one char
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
