package io.secretstages.spring.boot.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.micrometer.MicrometerCallObserver;
import io.secretstages.spring.boot.config.app.DbCredentials;
import io.secretstages.spring.boot.config.app.ImportingApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.core.env.Environment;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Spring Boot application on H2 imports two secrets with {@code spring.config.import}, binds one to a
 * {@code @ConfigurationProperties} class, and after a rotation through its own {@link StageManager} bean and a
 * refresh (Spring Cloud's {@link ContextRefresher}, which re-reads every config import) sees the new value.
 * The import is given as command-line arguments: a refresh keeps those (and re-reads config files), as it would for a
 * deployed application, whereas it drops test-only inlined properties.
 */
@SpringBootTest(classes = ImportingApplication.class, args = {
        "--spring.datasource.url=" + SecretImportApplicationTest.URL,
        "--spring.config.import=secret-stages:shop/db-credentials;shop/api-key?stage=pending",
        "--spring.main.banner-mode=off"})
class SecretImportApplicationTest {
    static final String URL = "jdbc:h2:mem:secret-import-app;DB_CLOSE_DELAY=-1";

    @Autowired
    DbCredentials db;
    @Autowired
    Environment environment;
    @Autowired
    StageManager stages;
    @Autowired
    ContextRefresher refresher;
    @Autowired
    MeterRegistry meters;
    @Autowired
    HealthContributorRegistry health;

    /** The secrets exist before the application starts, as they would in a shared database. */
    @BeforeAll
    static void seed() {
        StageManager admin = AppDatabase.admin(URL);
        admin.createSecret("shop", "db-credentials",
                SecretValue.ofString("{\"db\": {\"user\": \"app\", \"password\": \"pw-1\"}}"));
        admin.createSecret("shop", "api-key", SecretValue.ofString("key-live"));
        admin.putVersion("shop", "api-key", SecretValue.ofString("key-next"), Set.of("pending"));
    }

    @Test
    void importsBindsRotatesAndSeesTheNewValueAfterARefresh() {
        assertEquals("app", db.getUser());
        assertEquals("pw-1", db.getPassword());
        assertEquals("key-next", environment.getProperty("api-key"), "?stage=pending picks the pending version");

        // the application's own StageManager bean shares the database (same spring.datasource.url)
        stages.putVersion("shop", "db-credentials",
                SecretValue.ofString("{\"db\": {\"user\": \"app\", \"password\": \"pw-2\"}}"));
        assertEquals("pw-1", db.getPassword(), "nothing changes before the refresh");

        Set<String> changed = refresher.refresh();
        assertThat(changed).contains("db.password").doesNotContain("db.user", "api-key");
        assertEquals("pw-2", db.getPassword());
        assertEquals("pw-2", environment.getProperty("db.password"));
    }

    @Test
    void metricsAndHealthShowUpInTheApplication() {
        stages.listSecrets("shop");
        assertThat(meters.find(MicrometerCallObserver.CALLS).tags("operation", "listSecrets", "outcome", "success")
                .timer()).isNotNull();
        HealthIndicator indicator = (HealthIndicator) health.getContributor("secretStages");
        Health h = indicator.health();
        assertEquals(Status.UP, h.getStatus());
    }
}
