package io.secretstages.server;

import io.secretstages.store.jdbc.CapturingLogProvider;
import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.ListSecretVersionsRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * S3: no secret value, secret key or token in any log line: the project's loggers (server, access log, core) at every
 * level, Jetty at INFO and above (through {@link CapturingLogProvider}), over successes, refusals, bad bodies,
 * oversized bodies and a tampered signature. The access log has its line per request (method, path, status, time,
 * request id). Jetty's own DEBUG logging prints request header values (an {@code X-Auth-Token} among them, seen
 * here): {@link #jettyDebugPrintsHeaderValues} keeps that fact checked, and the README warns against it.
 */
class NoSecretLeaksTest {
    private final String canary = "CANARY" + UUID.randomUUID().toString().replace("-", "");

    @AfterEach
    void quiet() {
        CapturingLogProvider.everyLevel(false);
    }

    private List<String> forms() {
        byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
        return List.of(canary, HexFormat.of().formatHex(bytes), Base64.getEncoder().encodeToString(bytes),
                Arrays.toString(bytes), Fixture.SK, Fixture.TOKEN);
    }

    @Test
    void noValueOrCredentialInAnyLogLine() {
        for (String line : run(false)) {
            for (String form : forms()) {
                assertFalse(line.contains(form), "a log line holds a value or credential: " + line);
            }
        }
    }

    @Test
    void jettyDebugPrintsHeaderValues() {
        List<String> lines = run(true);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("DEBUG org.eclipse.jetty") && l.contains(Fixture.TOKEN)));
    }

    private List<String> run(boolean jettyDebug) {
        CapturingLogProvider.everyLevel(jettyDebug);
        CapturingLogProvider.clear();
        try (Fixture f = Fixture.memory()) {
            CsmsClient client = f.client("p1");
            List<Runnable> calls = new ArrayList<>(List.of(
                    () -> client.createSecret(new CreateSecretRequest().withBody(
                            new CreateSecretRequestBody().withName("leak").withSecretString(canary))),
                    () -> client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretBinary(Base64.getEncoder()
                                    .encodeToString(canary.getBytes(StandardCharsets.UTF_8))))),
                    () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName("leak")
                            .withVersionId("latest")),
                    () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName("leak")
                            .withVersionId("v1")),
                    () -> client.listSecretVersions(new ListSecretVersionsRequest().withSecretName("leak")),
                    () -> client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString(canary)
                                    .withSecretBinary("x"))),
                    () -> client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString(canary
                                    + "x".repeat(40_000)))),
                    () -> client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString(canary
                                    + "x".repeat(70_000)))),
                    () -> client.createSecretVersion(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString(canary)
                                    .withVersionStages(List.of("SYSPREVIOUS")))),
                    () -> client.createSecret(new CreateSecretRequest().withBody(
                            new CreateSecretRequestBody().withName("leak").withSecretString(canary))),
                    () -> f.client(Fixture.AK, Fixture.SK + "x", "p1").createSecretVersion(
                            new CreateSecretVersionRequest().withSecretName("leak").withBody(
                                    new CreateSecretVersionRequestBody().withSecretString(canary))),
                    () -> client.createSecretVersionInvoker(new CreateSecretVersionRequest().withSecretName("leak")
                            .withBody(new CreateSecretVersionRequestBody().withSecretString(canary)))
                            .addHeader("X-Auth-Token", Fixture.TOKEN).invoke()));
            RawClient raw = new RawClient(f.server.endpoint());
            calls.add(() -> raw.call("POST", "/v1/p1/secrets/leak/versions").body("{\"secret_string\":\"" + canary)
                    .signed(Fixture.AK, Fixture.SK, "p1").send());
            calls.add(() -> raw.call("POST", "/v1/p1/secrets/leak/versions").body("{\"secret_string\":\"" + canary
                    + "\"}").header("X-Auth-Token", Fixture.TOKEN + "x").send());
            for (Runnable call : calls) {
                try {
                    call.run();
                } catch (SdkException refused) {
                    // refusals are part of what is logged
                }
            }
        }
        List<String> lines = CapturingLogProvider.lines();
        assertTrue(lines.stream().anyMatch(l -> l.contains(
                "io.secretstages.server.access POST /v1/p1/secrets/leak/versions 200")), "an access line per request");
        assertTrue(lines.stream().anyMatch(l -> l.contains(
                "io.secretstages.server.access POST /v1/p1/secrets/leak/versions 413")), "the 413 is logged too");
        return lines;
    }
}
