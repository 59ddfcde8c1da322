package io.secretstages.store.jdbc;

import io.secretstages.CacheSettings;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No secret value in any log line at any level, in any exception (message, cause chain, stack trace) or in any
 * {@code toString}, across every operation, refusal and store failure. Logging goes to {@link CapturingLogProvider},
 * with every level enabled.
 */
class NoSecretLeaksTest {
    private final String canary = "CANARY:" + UUID.randomUUID();
    private final LeakSearch leaks = new LeakSearch();

    private List<String> forms() {
        List<String> forms = new ArrayList<>(List.of(canary));
        forms.addAll(LeakSearch.encodings(canary.getBytes(StandardCharsets.UTF_8)));
        return forms;
    }

    private void everything(StageManager m, String p) {
        SecretValue text = SecretValue.ofString(canary);
        SecretValue binary = SecretValue.ofBinary(canary.getBytes(StandardCharsets.UTF_8));
        List<Runnable> calls = List.of(
                () -> leaks.keep(m.createSecret(p, "s", text)),
                () -> leaks.keep(m.putVersion(p, "s", binary)),
                () -> leaks.keep(m.putVersion(p, "s", text, Set.of("blue", Stages.SYSCURRENT))),
                () -> leaks.keep(m.getVersion(p, "s", "latest")),
                () -> leaks.keep(m.getVersion(p, "s", "v2")),
                () -> leaks.keep(m.getVersionByStage(p, "s", "blue")),
                () -> leaks.keep(m.listVersions(p, "s")),
                () -> leaks.keep(m.getStage(p, "s", Stages.SYSCURRENT)),
                () -> leaks.keep(m.updateStage(p, "s", "green", "v1")),
                () -> leaks.keep(m.updateStage(p, "s", Stages.SYSCURRENT, "v2", Optional.of("v3"))),
                () -> leaks.keep(m.updateStage(p, "s", Stages.SYSCURRENT, "v1", Optional.of("v1"))),
                () -> m.deleteStage(p, "s", "green"),
                () -> leaks.keep(m.listStages(p, "s")),
                () -> leaks.keep(m.createSecret(p, "s", text)),
                () -> leaks.keep(m.putVersion(p, "s", SecretValue.ofString(canary + "x".repeat(40_000)))),
                () -> leaks.keep(m.putVersion(p, "s", SecretValue.ofString(canary + "\ud800"))),
                () -> leaks.keep(m.putVersion(p, "s", text, Set.of(Stages.SYSPREVIOUS))),
                () -> leaks.keep(m.putVersion(p, canary, text)),
                () -> leaks.keep(m.getStage(p, "s", canary)),
                () -> m.deleteSecret(p, "s"));
        calls.forEach(leaks::attempt);
        leaks.keep(text);
        leaks.keep(binary);
    }

    @Test
    void noValueInLogsExceptionsOrToString() throws Exception {
        assertInstanceOf(CapturingLogProvider.CapturingLogger.class, LoggerFactory.getLogger(getClass()),
                "the capturing binding is in use");
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:leaks;DB_CLOSE_DELAY=-1");
        JdbcStageRepository.builder(h2).initializeSchema(true).build();
        int project = 0;
        for (boolean cached : new boolean[]{false, true}) {
            StageManager.Builder b = StageManager.builder().repository(JdbcStageRepository.builder(h2).build());
            if (cached) {
                b.cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(1)));
            }
            everything(b.build(), "leak" + (++project));
            for (FaultInjectingDataSource.Mode mode : FaultInjectingDataSource.Mode.values()) {
                for (int n = 1; n <= 12; n++) {
                    FaultInjectingDataSource faulty = new FaultInjectingDataSource(h2, n, mode);
                    StageManager.Builder fb = StageManager.builder()
                            .repository(JdbcStageRepository.builder(faulty.dataSource).dialect(SqlDialect.H2)
                                    .allowDelayedWrites(true).build()); // in memory: nothing to check
                    if (cached) {
                        fb.cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(1)));
                    }
                    everything(fb.build(), "leak" + (++project));
                }
            }
        }
        leaks.keepLogLines();
        assertTrue(CapturingLogProvider.lines().stream().anyMatch(l -> l.startsWith("INFO io.secretstages.StageManager")),
                "changes were logged");
        assertTrue(leaks.texts().stream().anyMatch(t -> t.contains("STORE_FAILURE") && t.contains("injected")),
                "store failures were exercised and kept with their causes");
        leaks.assertNoneContains(forms(), "a secret value");
        System.out.printf("no-leak check: %d texts (%d log lines) searched for %d encodings of the value%n",
                leaks.texts().size(), CapturingLogProvider.lines().size(), forms().size());
    }
}
