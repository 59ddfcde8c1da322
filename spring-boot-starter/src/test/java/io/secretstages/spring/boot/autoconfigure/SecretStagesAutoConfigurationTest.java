package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.ErrorCode;
import io.secretstages.SecretReader;
import io.secretstages.SecretValue;
import io.secretstages.StageEvent;
import io.secretstages.StageException;
import io.secretstages.StageListener;
import io.secretstages.StageManager;
import io.secretstages.StageOperations;
import io.secretstages.Stages;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every condition of {@link SecretStagesAutoConfiguration}, and the properties' binding and validation. */
class SecretStagesAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecretStagesAutoConfiguration.class));

    private final ApplicationContextRunner withDataSource = runner
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    "spring.datasource.generate-unique-name=false");

    @Test
    void withoutADataSourceSecretsAreKeptInMemory() {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(StageManager.class).hasSingleBean(InMemoryStageRepository.class);
            roundTrip(ctx.getBean(StageManager.class));
        });
    }

    @Test
    void codeThatOnlyReadsIsInjectedTheManagerAsASecretReader() {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(SecretReader.class).hasSingleBean(StageOperations.class);
            SecretReader reader = ctx.getBean(SecretReader.class);
            assertThat(reader).isSameAs(ctx.getBean(StageManager.class)).isSameAs(ctx.getBean(StageOperations.class));
            ctx.getBean(StageOperations.class).createSecret("p", "read-only", SecretValue.ofString("v1 value"));
            assertThat(reader.getVersionByStage("p", "read-only", "SYSCURRENT").value().string())
                    .contains("v1 value");
        });
    }

    @Test
    void withoutTheJdbcClassesSecretsAreKeptInMemory() {
        withDataSource.withClassLoader(new FilteredClassLoader(JdbcStageRepository.class)).run(ctx ->
                assertThat(ctx).hasSingleBean(InMemoryStageRepository.class).doesNotHaveBean(JdbcStageRepository.class));
    }

    @Test
    void withADataSourceSecretsAreKeptInItWithTheirTablesCreatedOnAnInMemoryDatabase() {
        withDataSource.run(ctx -> {
            assertThat(ctx).hasSingleBean(JdbcStageRepository.class).doesNotHaveBean(InMemoryStageRepository.class);
            roundTrip(ctx.getBean(StageManager.class));
            assertThat(tables(ctx.getBean(DataSource.class))).contains("SS_SECRETS", "SS_VERSIONS", "SS_STAGES");
        });
    }

    @Test
    void theTablePrefixAndSchemaInitialisationAreTheProperties() {
        withDataSource.withPropertyValues("secret-stages.jdbc.table-prefix=app_").run(ctx -> {
            roundTrip(ctx.getBean(StageManager.class));
            assertThat(tables(ctx.getBean(DataSource.class))).contains("APP_SECRETS").doesNotContain("SS_SECRETS");
        });
        withDataSource.withPropertyValues("secret-stages.jdbc.initialize-schema=never").run(ctx -> {
            StageManager m = ctx.getBean(StageManager.class);
            assertEquals(ErrorCode.STORE_FAILURE, assertThrows(StageException.class,
                    () -> m.createSecret("p", "s", SecretValue.ofString("v"))).code(), "no tables were created");
        });
    }

    @Test
    void theJdbcStoreCanBeTurnedOff() {
        withDataSource.withPropertyValues("secret-stages.jdbc.enabled=false").run(ctx ->
                assertThat(ctx).hasSingleBean(InMemoryStageRepository.class).doesNotHaveBean(JdbcStageRepository.class));
    }

    @Test
    void aUsersStageManagerWins() {
        runner.withUserConfiguration(UserManager.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(StageManager.class);
            assertThat(ctx.getBean(StageManager.class)).isSameAs(ctx.getBean(UserManager.class).manager);
        });
    }

    @Test
    void aUsersStoreWinsAndTheAutoConfiguredManagerUsesIt() {
        withDataSource.withUserConfiguration(UserStore.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(StageRepository.class).doesNotHaveBean(JdbcStageRepository.class);
            StageManager m = ctx.getBean(StageManager.class);
            m.createSecret("p", "s", SecretValue.ofString("v"));
            assertThat(ctx.getBean(UserStore.class).store.load(new io.secretstages.spi.SecretKey("p", "s"))).isPresent();
        });
    }

    @Test
    void limitsAndCachesAreTheProperties() {
        runner.withPropertyValues("secret-stages.max-stages=3", "secret-stages.max-versions=4",
                "secret-stages.cache.enabled=true", "secret-stages.cache.record-statistics=true",
                "secret-stages.cache.staleness=500ms", "secret-stages.cache.maximum-size=10").run(ctx -> {
            StageManager m = ctx.getBean(StageManager.class);
            assertEquals(3, m.maxStages());
            assertEquals(4, m.maxVersions());
            roundTrip(m);
            assertThat(m.cacheStatistics()).isPresent();
            SecretStagesProperties p = ctx.getBean(SecretStagesProperties.class);
            assertEquals(java.time.Duration.ofMillis(500), p.getCache().getStaleness());
            assertEquals(10, p.getCache().getMaximumSize());
        });
        runner.run(ctx -> assertThat(ctx.getBean(StageManager.class).cacheStatistics()).isEmpty());
    }

    @Test
    void badValuesFailStartUpNamingTheProperty() {
        assertStartUpFails(runner.withPropertyValues("secret-stages.max-versions=5"),
                "secret-stages.max-versions", "must exceed max-stages (12)");
        assertStartUpFails(runner.withPropertyValues("secret-stages.max-stages=1"), "secret-stages.max-stages");
        assertStartUpFails(runner.withPropertyValues("secret-stages.write-cache-size=-1"),
                "secret-stages.write-cache-size");
        assertStartUpFails(runner.withPropertyValues("secret-stages.jdbc.table-prefix=1-bad"),
                "secret-stages.jdbc.table-prefix");
        assertStartUpFails(runner.withPropertyValues("secret-stages.cache.staleness=0s"),
                "secret-stages.cache.staleness");
        assertStartUpFails(runner.withPropertyValues("secret-stages.cache.maximum-size=0"),
                "secret-stages.cache.maximum-size");
        assertStartUpFails(runner.withPropertyValues("secret-stages.health.timeout=-1s"),
                "secret-stages.health.timeout");
        assertStartUpFails(runner.withPropertyValues("secret-stages.max-stages=many"), "secret-stages.max-stages");
    }

    @Test
    void listenersAndCustomizersAreApplied() {
        Instant t = Instant.parse("2030-01-02T03:04:05Z");
        List<StageEvent> events = new ArrayList<>();
        runner.withBean(StageListener.class, () -> events::add)
                .withBean(StageManagerBuilderCustomizer.class, () -> b -> b.clock(Clock.fixed(t, ZoneOffset.UTC)))
                .run(ctx -> {
                    StageManager m = ctx.getBean(StageManager.class);
                    m.createSecret("p", "s", SecretValue.ofString("v"));
                    assertEquals(t, m.getStage("p", "s", Stages.SYSCURRENT).updateTime());
                    assertEquals(1, events.size());
                    assertEquals(StageEvent.Operation.CREATE_SECRET, events.get(0).operation());
                });
    }

    private static void assertStartUpFails(ApplicationContextRunner r, String... messageParts) {
        r.run(ctx -> {
            assertThat(ctx).hasFailed();
            StringBuilder all = new StringBuilder();
            for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
                if (t instanceof org.springframework.boot.context.properties.bind.validation.BindValidationException v) {
                    v.getValidationErrors().forEach(e -> all.append(e).append('\n'));
                }
            }
            for (String part : messageParts) {
                assertThat(all.toString()).contains(part);
            }
        });
    }

    private static void roundTrip(StageManager m) {
        m.createSecret("p", "s", SecretValue.ofString("v1"));
        m.putVersion("p", "s", SecretValue.ofString("v2"));
        assertEquals("v2", m.getVersion("p", "s", "latest").value().string().orElseThrow());
        assertEquals("v1", m.getStage("p", "s", Stages.SYSPREVIOUS).versionId());
    }

    private static List<String> tables(DataSource ds) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }

    @Configuration(proxyBeanMethods = false)
    static class UserManager {
        final StageManager manager = StageManager.builder().repository(new InMemoryStageRepository()).build();

        @Bean
        StageManager myStageManager() {
            return manager;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserStore {
        final InMemoryStageRepository store = new InMemoryStageRepository();

        @Bean
        StageRepository myStore() {
            return store;
        }
    }
}
