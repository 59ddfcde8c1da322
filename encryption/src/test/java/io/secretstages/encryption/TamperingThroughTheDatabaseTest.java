package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/rules.md E2 and E3 against someone who can write the database: a flipped bit in the stored column, or a stored
 * value copied to another version, another secret, another project, or into a secret created again under the same
 * name, fails to open with STORE_FAILURE, never another value, and the message says so without the value.
 */
class TamperingThroughTheDatabaseTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

    private static byte[] cell(DataSource db, String project, String secret, long version) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT secret_value FROM ss_versions WHERE project_id = ? AND secret_name = ? AND version_number = ?")) {
            s.setString(1, project);
            s.setString(2, secret);
            s.setLong(3, version);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the row exists");
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void overwrite(DataSource db, String project, String secret, long version, byte[] bytes) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE ss_versions SET secret_value = ? WHERE project_id = ? AND secret_name = ? AND version_number = ?")) {
            s.setBytes(1, bytes);
            s.setString(2, project);
            s.setString(3, secret);
            s.setLong(4, version);
            assertEquals(1, s.executeUpdate());
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertFailsToOpen(StageManager m, String project, String secret, String version) {
        StageException e = assertThrows(StageException.class, () -> m.getVersion(project, secret, version),
                () -> project + "/" + secret + "/" + version + " opened");
        assertEquals(ErrorCode.STORE_FAILURE, e.code());
        assertTrue(String.valueOf(e.getCause()).contains("could not decrypt the value of " + project + "/" + secret),
                e::toString);
    }

    private void run(DataSource db) {
        JdbcStageRepository.builder(db).initializeSchema(true).build();
        StageManager m = StageManager.builder()
                .repository(TestKeys.encrypted(JdbcStageRepository.builder(db).build())).clock(clock).build();
        String p = "tamper-" + System.nanoTime();
        String q = p + "-other";
        m.createSecret(p, "a", SecretValue.ofString("a-one"));
        m.putVersion(p, "a", SecretValue.ofString("a-two"));
        m.createSecret(p, "b", SecretValue.ofString("b-one"));
        m.createSecret(q, "a", SecretValue.ofString("other-project-a-one"));

        byte[] good = cell(db, p, "a", 2);
        for (int at : new int[]{0, 1, 2, 5, 7, 8, 30, 72, 73, good.length / 2, good.length - 1}) {
            for (int bit = 0; bit < 8; bit += 3) {
                byte[] flipped = good.clone();
                flipped[at] ^= (byte) (1 << bit);
                overwrite(db, p, "a", 2, flipped);
                assertFailsToOpen(m, p, "a", "v2");
            }
        }
        overwrite(db, p, "a", 2, good);
        assertEquals("a-two", m.getVersion(p, "a", "v2").value().string().orElseThrow());

        byte[] aOne = cell(db, p, "a", 1);
        overwrite(db, p, "a", 2, aOne);                   // another version of the same secret
        assertFailsToOpen(m, p, "a", "v2");
        overwrite(db, p, "a", 2, good);

        byte[] bOne = cell(db, p, "b", 1);
        overwrite(db, p, "b", 1, aOne);                   // another secret of the same project
        assertFailsToOpen(m, p, "b", "v1");
        overwrite(db, p, "b", 1, bOne);

        byte[] qOne = cell(db, q, "a", 1);
        overwrite(db, q, "a", 1, aOne);                   // the same secret name in another project
        assertFailsToOpen(m, q, "a", "v1");
        overwrite(db, q, "a", 1, qOne);

        m.deleteSecret(p, "b");                           // a secret created again under the same name
        clock.advance(Duration.ofMillis(1));
        m.createSecret(p, "b", SecretValue.ofString("b-again"));
        overwrite(db, p, "b", 1, bOne);
        assertFailsToOpen(m, p, "b", "v1");

        overwrite(db, p, "b", 1, "b-one".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // plaintext planted
        assertFailsToOpen(m, p, "b", "v1");

        assertEquals("a-one", m.getVersion(p, "a", "v1").value().string().orElseThrow());
        assertEquals("a-two", m.getVersion(p, "a", "latest").value().string().orElseThrow());
        assertEquals("other-project-a-one", m.getVersion(q, "a", "latest").value().string().orElseThrow());
        StageException e = assertThrows(StageException.class, () -> m.getVersion(p, "b", "latest"));
        assertFalse(e.toString().contains("b-one") || String.valueOf(e.getCause()).contains("b-one"));
    }

    @Test
    void onH2() {
        run(TestDatabases.h2ForEnvelopes("tamper"));
    }

    @Test
    void onPostgres() {
        run(TestDatabases.postgresDatabase("tamper"));
    }
}
