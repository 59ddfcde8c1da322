package io.secretstages;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Linearizability of {@link StageManager} over a map-backed store ({@link MapStore}) (Lincheck): every concurrent history
 * of the operations below must be explainable by some sequential order. One secret, small limits (4 stages, 5
 * versions) so that eviction (R15), the stage limit (R14), guarded updates (R20) and SYSPREVIOUS (R12) all occur;
 * scheduling the deletion and restoring (R8) race with the writes (a put is applied whole or refused).
 * Iterations: system property {@code secretstages.lincheck.iterations} (default 10; the {@code soak} profile
 * raises it). Results are strings (an id with stages, or the refusal's code), so Lincheck compares them by value.
 */
@Param(name = "stage", gen = IntGen.class, conf = "0:2")
@Param(name = "version", gen = IntGen.class, conf = "1:5")
public class StageManagerLincheckTest {
    private static final String P = "p";
    private static final String S = "s";
    private static final String[] STAGES = {"SYSCURRENT", "blue", "green"};

    private final StageManager manager = StageManager.builder()
            .repository(new MapStore())
            .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC))
            .maxStages(4).maxVersions(5)
            .writeCacheSize(0) // the plain loop over the store; the caches have their own consistency test
            .build();

    /** Starts with v1 (SYSCURRENT) and v2 (blue). */
    public StageManagerLincheckTest() {
        manager.createSecret(P, S, SecretValue.ofString("one"));
        manager.putVersion(P, S, SecretValue.ofString("two"), Set.of("blue"));
    }

    private static String outcome(Supplier<String> call) {
        try {
            return call.get();
        } catch (StageException e) {
            return e.code().name();
        }
    }

    @Operation
    public String put(@Param(name = "stage") int stage) {
        return outcome(() -> {
            var v = manager.putVersion(P, S, SecretValue.ofString("x"), Set.of(STAGES[stage]));
            return v.id() + new TreeSet<>(v.stages());
        });
    }

    @Operation
    public String update(@Param(name = "stage") int stage, @Param(name = "version") int version) {
        return outcome(() -> manager.updateStage(P, S, STAGES[stage], "v" + version).versionId());
    }

    @Operation
    public String guardedUpdate(@Param(name = "stage") int stage, @Param(name = "version") int version,
                                @Param(name = "version") int expected) {
        return outcome(() -> manager.updateStage(P, S, STAGES[stage], "v" + version, Optional.of("v" + expected))
                .versionId());
    }

    @Operation
    public String deleteStage(@Param(name = "stage") int stage) {
        return outcome(() -> {
            manager.deleteStage(P, S, STAGES[stage]);
            return "deleted";
        });
    }

    @Operation
    public String getStage(@Param(name = "stage") int stage) {
        return outcome(() -> manager.getStage(P, S, STAGES[stage]).versionId());
    }

    @Operation
    public String latest() {
        return outcome(() -> {
            var v = manager.getVersion(P, S, "latest");
            return v.id() + v.value().string().orElse("?");
        });
    }

    @Operation
    public String scheduleDeletion() {
        return outcome(() -> manager.scheduleDeletion(P, S, 7).state().name());
    }

    @Operation
    public String restore() {
        return outcome(() -> manager.restoreSecret(P, S).state().name());
    }

    @Operation
    public String listVersions() {
        return outcome(() -> {
            StringBuilder sb = new StringBuilder();
            for (VersionMetadata v : manager.listVersions(P, S)) {
                sb.append(v.id()).append(new TreeSet<>(v.stages()));
            }
            return sb.toString();
        });
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Integer.getInteger("secretstages.lincheck.iterations", 10) * 3)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(1)
                .actorsAfter(1)
                .check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("secretstages.lincheck.iterations", 10))
                .invocationsPerIteration(200)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1)
                .check(getClass());
    }
}
