package io.secretstages.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Timers per (operation, outcome), lost-race counters, and what never reaches a meter. */
class MicrometerCallObserverTest {
    private static final String P = "payments";
    private static final String SECRET = "db-password";
    private static final String VALUE_1 = "hunter2-first-value";
    private static final String VALUE_2 = "hunter2-second-value";
    private static final String OTHER_VALUE = "hunter2-other-writer";

    private SimpleMeterRegistry meters;
    private ObservationRegistry observations;

    @BeforeEach
    void registries() {
        meters = new SimpleMeterRegistry();
        observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    }

    /** Runs the script: 11 calls, with refusals, one lost race and one store failure. */
    private void script(MicrometerCallObserver observer) {
        InMemoryStageRepository shared = new InMemoryStageRepository();
        ScriptedRepository store = new ScriptedRepository(shared);
        StageManager stages = StageManager.builder().repository(store).observer(observer).build();
        StageManager otherNode = StageManager.builder().repository(shared).build();

        stages.createSecret(P, SECRET, SecretValue.ofString(VALUE_1));                          // success
        refused(ErrorCode.SECRET_ALREADY_EXISTS, () -> stages.createSecret(P, SECRET, SecretValue.ofString(VALUE_1)));
        refused(ErrorCode.INVALID_PARAMETER, () -> stages.getStage(P, "not a name!", Stages.SYSCURRENT));
        refused(ErrorCode.STAGE_NOT_FOUND, () -> stages.getStage(P, SECRET, "pending"));
        refused(ErrorCode.SECRET_NOT_FOUND, () -> stages.getVersion(P, "missing", "latest"));
        refused(ErrorCode.CONFLICT, () -> stages.updateStage(P, SECRET, Stages.SYSCURRENT, "v1", Optional.of("v9")));
        // another node commits between this manager's read and its apply: one lost race, then success
        store.beforeNextApply = () -> otherNode.putVersion(P, SECRET, SecretValue.ofString(OTHER_VALUE));
        stages.putVersion(P, SECRET, SecretValue.ofString(VALUE_2));                            // success (v3)
        assertEquals(VALUE_2, stages.getVersion(P, SECRET, "latest").value().string().orElseThrow());
        assertEquals("v3", stages.getStage(P, SECRET, Stages.SYSCURRENT).versionId());
        store.failing = true;
        refused(ErrorCode.STORE_FAILURE, () -> stages.getStage(P, SECRET, Stages.SYSCURRENT));
        refused(ErrorCode.STORE_FAILURE, () -> stages.listSecrets(P));
    }

    private static void refused(ErrorCode code, Runnable call) {
        assertEquals(code, assertThrows(StageException.class, call::run).code());
    }

    /** (operation, outcome) of every call timer, with its count. */
    private Map<String, Long> timerCounts() {
        Map<String, Long> counts = new TreeMap<>();
        for (Timer t : meters.find(MicrometerCallObserver.CALLS).timers()) {
            counts.put(t.getId().getTag("operation") + "/" + t.getId().getTag("outcome"), t.count());
        }
        return counts;
    }

    @Test
    void aScriptedSequenceGivesExactTimerCountsAndOutcomes() {
        script(MicrometerCallObserver.builder(meters).observationRegistry(observations).build());

        Map<String, Long> expected = new TreeMap<>();
        expected.put("createSecret/success", 1L);
        expected.put("createSecret/SECRET_ALREADY_EXISTS", 1L);
        expected.put("getStage/INVALID_PARAMETER", 1L);
        expected.put("getStage/STAGE_NOT_FOUND", 1L);
        expected.put("getVersion/SECRET_NOT_FOUND", 1L);
        expected.put("updateStage/CONFLICT", 1L);
        expected.put("putVersion/success", 1L);
        expected.put("getVersion/success", 1L);
        expected.put("getStage/success", 1L);
        expected.put("getStage/store_failure", 1L);
        expected.put("listSecrets/store_failure", 1L);
        assertEquals(expected, timerCounts());
        // the other node's write was not observed (it has no observer): one putVersion, one lost race, one retry
        assertEquals(1.0, meters.get(MicrometerCallObserver.LOST_RACES).tag("operation", "putVersion").counter().count());
        assertEquals(1.0, meters.get(MicrometerCallObserver.RETRIED_CALLS).tag("operation", "putVersion").counter()
                .count());
        assertEquals(1, meters.find(MicrometerCallObserver.LOST_RACES).counters().size());
        Set<String> names = new java.util.TreeSet<>();
        meters.getMeters().forEach(m -> names.add(m.getId().getName()));
        assertEquals(Set.of(MicrometerCallObserver.CALLS, MicrometerCallObserver.CALLS + ".active",
                MicrometerCallObserver.LOST_RACES, MicrometerCallObserver.RETRIED_CALLS), names);
        assertEquals(1, meters.find(MicrometerCallObserver.RETRIED_CALLS).counters().size());
    }

    @Test
    void noMeterNamesASecretOrHoldsAValueByDefault() {
        script(MicrometerCallObserver.builder(meters).observationRegistry(observations).build());
        List<String> seen = everythingMetersSay();
        assertFalse(seen.isEmpty());
        for (String s : seen) {
            for (String forbidden : List.of(SECRET, P, "missing", "not a name!", VALUE_1, VALUE_2, OTHER_VALUE,
                    "hunter2")) {
                assertFalse(s.contains(forbidden), () -> s + " contains " + forbidden);
            }
        }
        for (Meter m : meters.getMeters()) {
            Set<String> keys = new java.util.TreeSet<>();
            m.getId().getTags().forEach(t -> keys.add(t.getKey()));
            assertFalse(keys.contains(MicrometerCallObserver.SECRET) || keys.contains(MicrometerCallObserver.PROJECT),
                    m.getId()::toString);
        }
    }

    @Test
    void namesAreTaggedOnlyWhenTurnedOnAndValuesNever() {
        script(MicrometerCallObserver.builder(meters).observationRegistry(observations).tagNames(true).build());
        Timer ok = meters.get(MicrometerCallObserver.CALLS).tags("operation", "createSecret", "outcome", "success",
                "project", P, "secret", SECRET).timer();
        assertEquals(1, ok.count());
        // a malformed name is never a tag value: the refused call is tagged "invalid"
        assertEquals(1, meters.get(MicrometerCallObserver.CALLS).tags("operation", "getStage",
                "outcome", "INVALID_PARAMETER", "secret", MicrometerCallObserver.INVALID_NAME).timer().count());
        assertEquals(1.0, meters.get(MicrometerCallObserver.LOST_RACES).tags("operation", "putVersion",
                "secret", SECRET).counter().count());
        for (String s : everythingMetersSay()) {
            for (String forbidden : List.of(VALUE_1, VALUE_2, OTHER_VALUE, "hunter2", "not a name!")) {
                assertFalse(s.contains(forbidden), () -> s + " contains " + forbidden);
            }
        }
    }

    @Test
    void withoutAnObservationRegistryTheTimersGoToTheMeterRegistry() {
        script(MicrometerCallObserver.builder(meters).build());
        assertEquals(11, timerCounts().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(1L, timerCounts().get("getStage/store_failure"));
    }

    @Test
    void theCallsObservationIsCurrentWhileTheCallRuns() {
        List<Observation> current = new ArrayList<>();
        StageManager stages = StageManager.builder().repository(new InMemoryStageRepository())
                .observer(MicrometerCallObserver.builder(meters).observationRegistry(observations).build())
                .listener(event -> current.add(observations.getCurrentObservation()))
                .build();
        stages.createSecret(P, SECRET, SecretValue.ofString(VALUE_1));
        assertEquals(1, current.size());
        assertNotNull(current.get(0), "a listener (or the store's JDBC instrumentation) runs inside the observation");
        assertEquals(MicrometerCallObserver.CALLS, current.get(0).getContext().getName());
        assertEquals("secretstages createSecret", current.get(0).getContext().getContextualName());
        assertNull(observations.getCurrentObservation(), "the scope is closed when the call ends");
    }

    private List<String> everythingMetersSay() {
        List<String> out = new ArrayList<>();
        for (Meter m : meters.getMeters()) {
            out.add(m.getId().getName());
            for (Tag t : m.getId().getTags()) {
                out.add(t.getKey());
                out.add(t.getValue());
            }
        }
        return out;
    }
}
