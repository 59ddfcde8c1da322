package io.secretstages.cli;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stagectl serve} as the README shows it: the shaded jar run as a process, its printed endpoint given to the
 * README's client program ({@link RotateWithTheSdk}, the provider's SDK), on an H2 file database; stopped with
 * SIGTERM, then started again over the same database.
 */
class ServeIT {
    private static final Pattern ENDPOINT = Pattern.compile("Serving CSMS at (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path dir;

    @Test
    void theReadmeClientWorksAgainstStagectlServe() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "# ak ACCESS_KEY SECRET_KEY projects\nak my-ak my-sk my-project\n");
        String url = "--jdbc-url=jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
        Process init = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                System.getProperty("stagectl.jar", "target/stagectl.jar"), "init-schema", url))
                .redirectErrorStream(true).start();
        assertTrue(init.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, init.exitValue(), new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try (ServedStagectl server = ServedStagectl.start(ENDPOINT, url, "--credentials", credentials.toString())) {
            assertEquals("v2 pw-2", server.runTheReadmeClient());
        }
        try (ServedStagectl again = ServedStagectl.start(ENDPOINT, url, "--credentials", credentials.toString())) {
            CsmsClient csms = CsmsClient.newBuilder()
                    .withCredential(new BasicCredentials().withAk("my-ak").withSk("my-sk").withProjectId("my-project"))
                    .withEndpoint(again.endpoint()).build();
            assertEquals("v1", csms.showSecretStage(new ShowSecretStageRequest().withSecretName("db-password")
                    .withStageName("SYSPREVIOUS")).getStage().getVersionId(), "kept in the database");
        }
    }
}
