package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import com.google.crypto.tink.KeysetHandle;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The README's set-up and rotation procedure, as written there, on H2. */
class ReadmeSetUpTest {
    @TempDir
    Path dir;

    @Test
    void theFiveLinesAndTheRotationSteps() throws Exception {
        Path path = dir.resolve("stages-keyset.json");
        KeysetFiles.writeCleartext(KeyEncryptionKeys.generate(), path);
        DataSource dataSource = TestDatabases.h2("readme");
        JdbcStageRepository.builder(dataSource).initializeSchema(true).build();
        TestDatabases.execute(dataSource, TestDatabases.H2_GROW_VALUE_COLUMN);

        KeysetHandle keyset = KeysetFiles.readCleartext(path);
        StageRepository jdbc = JdbcStageRepository.builder(dataSource).initializeSchema(true).build();
        StageRepository encrypted = EncryptingRepository.wrap(jdbc, keyset);
        StageManager stages = StageManager.builder().repository(encrypted).build();
        stages.createSecret("my-project", "db-password", SecretValue.ofString("s3cret-1"));

        byte[] stored = jdbc.loadValue(jdbc.load(new io.secretstages.spi.SecretKey("my-project", "db-password"))
                .orElseThrow(), 1)
                .orElseThrow().binary().orElseThrow();
        assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains("s3cret-1"));

        // rotation steps 1, 2 and 4 (step 3 needs a store that can rewrite values: RotationTest)
        KeysetHandle rotated = KeyEncryptionKeys.rotate(KeysetFiles.readCleartext(path));
        KeysetFiles.writeCleartext(rotated, path);
        StageManager restarted = StageManager.builder()
                .repository(EncryptingRepository.wrap(jdbc, KeysetFiles.readCleartext(path))).build();
        assertEquals("s3cret-1", restarted.getVersion("my-project", "db-password", "latest").value().string()
                .orElseThrow());
        restarted.putVersion("my-project", "db-password", SecretValue.ofString("s3cret-2"));
        assertEquals(rotated.getPrimary().getId(), EnvelopeSealer.recordedKeyId(jdbc.loadValue(
                jdbc.load(new io.secretstages.spi.SecretKey("my-project", "db-password")).orElseThrow(), 2).orElseThrow().binary()
                .orElseThrow()));
    }
}
