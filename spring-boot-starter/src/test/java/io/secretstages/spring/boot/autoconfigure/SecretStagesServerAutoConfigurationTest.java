package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.server.CsmsServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code secret-stages.server.*}: the CSMS server (S1-S9) started over the StageManager bean. */
@ExtendWith(OutputCaptureExtension.class)
class SecretStagesServerAutoConfigurationTest {
    private static final String SK = "sk-never-shown-4711";
    private static final String TOKEN = "tok-never-shown-0815";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecretStagesAutoConfiguration.class));

    private final ApplicationContextRunner enabled = runner.withPropertyValues(
            "secret-stages.server.enabled=true",
            "secret-stages.server.access-keys[0].access-key=AK1",
            "secret-stages.server.access-keys[0].secret-key=" + SK,
            "secret-stages.server.access-keys[0].projects=p1,p2",
            "secret-stages.server.tokens[0].token=" + TOKEN,
            "secret-stages.server.tokens[0].projects=p1");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noServerByDefault() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(CsmsServer.class));
    }

    @Test
    void enabledItServesTheManagersSecretsToGrantedCredentialsOnly(CapturedOutput output) {
        enabled.run(ctx -> {
            assertThat(ctx).hasSingleBean(CsmsServer.class);
            URI endpoint = ctx.getBean(CsmsServer.class).endpoint();
            assertEquals("127.0.0.1", endpoint.getHost());
            assertThat(endpoint.getPort()).isPositive();
            ctx.getBean(StageManager.class).createSecret("p1", "db", SecretValue.ofString("v"));

            assertEquals(401, get(endpoint.resolve("/v1/p1/secrets"), null).statusCode(), "no credential (S4)");
            HttpResponse<String> listed = get(endpoint.resolve("/v1/p1/secrets"), TOKEN);
            assertEquals(200, listed.statusCode(), listed.body());
            assertThat(listed.body()).contains("\"db\"");
            assertEquals(403, get(endpoint.resolve("/v1/p2/secrets"), TOKEN).statusCode(),
                    "the token is granted p1 only (S5)");
        });
        assertThat(output.getAll()).doesNotContain(SK).doesNotContain(TOKEN);
    }

    @Test
    void theServerIsClosedWithTheContext() throws Exception {
        AtomicReference<URI> endpoint = new AtomicReference<>();
        enabled.run(ctx -> {
            endpoint.set(ctx.getBean(CsmsServer.class).endpoint());
            assertEquals(401, get(endpoint.get().resolve("/v1/p1/secrets"), null).statusCode());
        });
        assertThrows(ConnectException.class, () -> get(endpoint.get().resolve("/v1/p1/secrets"), null));
    }

    @Test
    void withoutTheServerModuleThereIsNoServer() {
        enabled.withClassLoader(new FilteredClassLoader(CsmsServer.class))
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(CsmsServer.class)
                        .hasSingleBean(StageManager.class));
    }

    @Test
    void badServerPropertiesFailStartUpNamingThePropertyNeverTheCredential() {
        enabled.withPropertyValues("secret-stages.server.port=70000").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(StartUpFailures.messages(ctx.getStartupFailure())).contains("secret-stages.server.port");
        });
        for (String property : List.of("host", "access-keys[0].access-key", "access-keys[0].secret-key",
                "access-keys[0].projects", "tokens[0].token", "tokens[0].projects")) {
            enabled.withPropertyValues("secret-stages.server." + property + "=").run(ctx -> {
                assertThat(ctx).hasFailed();
                assertThat(StartUpFailures.messages(ctx.getStartupFailure()))
                        .contains("secret-stages.server." + property).doesNotContain(SK).doesNotContain(TOKEN);
            });
        }
    }

    @Test
    void configpropsMasksSecretKeysAndTokensEvenWhenShowingValues() {
        enabled.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoint.configprops.show-values=always",
                        "management.endpoints.web.exposure.include=configprops").run(ctx -> {
                    StringBuilder report = new StringBuilder();
                    ctx.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties().getContexts()
                            .values().forEach(c -> c.getBeans().values()
                                    .forEach(b -> report.append(b.getProperties()).append('\n')));
                    assertThat(report.toString()).contains("AK1").contains("p2").doesNotContain(SK).doesNotContain(TOKEN);
                });
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
