package io.secretstages.spring.boot.config;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.spring.boot.config.app.ImportingApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What start-up does with a missing secret or stage, {@code optional:}, JSON values and malformed locations. */
class SecretImportFailureTest {
    private static final String URL = "jdbc:h2:mem:secret-import-failures;DB_CLOSE_DELAY=-1";

    @BeforeAll
    static void seed() {
        StageManager admin = AppDatabase.admin(URL);
        admin.createSecret("shop", "plain", SecretValue.ofString("{not json"));
        admin.createSecret("shop", "nested", SecretValue.ofString(
                "{\"a\": {\"b\": \"1\", \"c\": [\"x\", \"y\"]}, \"n\": 5, \"t\": true}"));
        admin.createSecret("shop", "binary", SecretValue.ofBinary(new byte[] {1, 2, 3}));
        admin.putVersion("shop", "plain", SecretValue.ofString("staged"), Set.of("pending"));
    }

    private static ConfigurableApplicationContext start(String... args) {
        List<String> all = new ArrayList<>(List.of("--spring.datasource.url=" + URL, "--spring.main.banner-mode=off"));
        all.addAll(Arrays.asList(args));
        return new SpringApplicationBuilder(ImportingApplication.class).web(WebApplicationType.NONE)
                .run(all.toArray(String[]::new));
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aMissingSecretFailsStartUpNamingIt() {
        Exception e = assertThrows(ConfigDataResourceNotFoundException.class,
                () -> start("--spring.config.import=secret-stages:shop/missing"));
        assertThat(messages(e)).contains("secret-stages:shop/missing")
                .contains("secret missing does not exist in project shop");
    }

    @Test
    void aMissingStageFailsStartUpNamingIt() {
        Exception e = assertThrows(ConfigDataResourceNotFoundException.class,
                () -> start("--spring.config.import=secret-stages:shop/plain?stage=nope"));
        assertThat(messages(e)).contains("secret-stages:shop/plain?stage=nope");
    }

    @Test
    void anOptionalMissingSecretIsSkipped() {
        // a comma starts a new location (Boot splits spring.config.import), each optional or not on its own
        try (ConfigurableApplicationContext ctx = start(
                "--spring.config.import=optional:secret-stages:shop/missing,secret-stages:shop/plain")) {
            assertEquals("{not json", ctx.getEnvironment().getProperty("plain"), "not JSON: one property");
            assertNull(ctx.getEnvironment().getProperty("missing"));
        }
        try (ConfigurableApplicationContext ctx = start(
                "--spring.config.import=optional:secret-stages:shop/missing;shop/plain?stage=pending")) {
            assertEquals("staged", ctx.getEnvironment().getProperty("plain"), "the rest of an optional location loads");
        }
        Exception e = assertThrows(ConfigDataResourceNotFoundException.class, () -> start(
                "--spring.config.import=optional:secret-stages:shop/missing,secret-stages:shop/missing2"));
        assertThat(messages(e)).contains("secret-stages:shop/missing2");
    }

    @Test
    void aJsonObjectFlattensToItsKeys() {
        try (ConfigurableApplicationContext ctx = start("--spring.config.import=secret-stages:shop/nested")) {
            Map<String, String> expected = Map.of("a.b", "1", "a.c[0]", "x", "a.c[1]", "y", "n", "5", "t", "true");
            expected.forEach((k, v) -> assertEquals(v, ctx.getEnvironment().getProperty(k), k));
            assertNull(ctx.getEnvironment().getProperty("nested"));
        }
    }

    @Test
    void malformedLocationsAndBinaryValuesFailWithAClearMessage() {
        for (String bad : List.of("secret-stages:shop", "secret-stages:shop/a/b", "secret-stages:/a",
                "secret-stages:shop/a?version=v1")) {
            Exception e = assertThrows(Exception.class, () -> start("--spring.config.import=" + bad));
            assertThat(messages(e)).contains("is not of the form project/secret");
        }
        Exception e = assertThrows(Exception.class, () -> start("--spring.config.import=secret-stages:shop/binary"));
        assertThat(messages(e)).contains("secret binary holds a binary value");
        e = assertThrows(Exception.class, () -> start("--spring.config.import=secret-stages:shop/bad name!"));
        assertThat(messages(e)).contains("INVALID_PARAMETER");
    }

    @Test
    void withoutADatabaseOrWithABadLimitTheImportSaysWhy() {
        Exception e = assertThrows(Exception.class, () -> new SpringApplicationBuilder(ImportingApplication.class)
                .web(WebApplicationType.NONE).run("--spring.config.import=secret-stages:shop/plain"));
        assertThat(messages(e)).contains("spring.datasource.url", "none is set where the import is declared");
        e = assertThrows(Exception.class, () -> start("--spring.config.import=secret-stages:shop/plain",
                "--secret-stages.max-versions=2"));
        assertThat(messages(e)).contains("secret-stages.max-versions");
    }
}
