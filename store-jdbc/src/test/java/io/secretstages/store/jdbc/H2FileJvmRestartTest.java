package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An H2 file database opened durably ({@link DurableJdbcUrl}) keeps everything across real JVM restarts that exit
 * cleanly; what a killed JVM keeps is the crash harness's question ({@code crash.H2CrashTest}).
 */
class H2FileJvmRestartTest {

    /** Runs in a child JVM: one rotation on the database at {@code args[0]}, then prints the stage table. */
    public static void main(String[] args) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(DurableJdbcUrl.of("jdbc:h2:file:" + args[0]));
        StageManager m = StageManager.builder()
                .repository(JdbcStageRepository.builder(ds).initializeSchema(true).build()).build();
        try {
            m.createSecret("p", "s", SecretValue.ofString("first"));
        } catch (StageException e) {
            m.putVersion("p", "s", SecretValue.ofString("run"));
        }
        StringBuilder out = new StringBuilder();
        m.listStages("p", "s").forEach(st -> out.append(st.name()).append('=').append(st.versionId()).append(' '));
        out.append(m.getVersion("p", "s", "v1").value().string().orElseThrow());
        System.out.println(out);
    }

    private static String runChild(Path db) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                H2FileJvmRestartTest.class.getName(), db.toAbsolutePath().toString()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child JVM finished");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), output);
        String[] lines = output.split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void threeJvmsInTurnContinueTheSameSecret(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("stages");
        assertEquals("SYSCURRENT=v1 first", runChild(db));
        assertEquals("SYSCURRENT=v2 SYSPREVIOUS=v1 first", runChild(db));
        assertEquals("SYSCURRENT=v3 SYSPREVIOUS=v2 first", runChild(db));
    }
}
