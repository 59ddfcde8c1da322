package io.secretstages;

import io.secretstages.spi.StoreException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CallObserver wiring, R21's deadline and backoff, and ambiguous store failures. */
class CallObserverAndDeadlineTest {
    /** Records every observer call as text. */
    private static final class Recorder implements CallObserver {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Call start(String operation, String projectId, String secretName) {
            log.add("start " + operation + " " + projectId + "/" + secretName);
            return new Call() {
                @Override
                public void lostRace() {
                    log.add("lost " + operation);
                }

                @Override
                public void end(ErrorCode outcome) {
                    log.add("end " + operation + " " + outcome);
                }
            };
        }
    }

    private final MapStore store = new MapStore();
    private final Recorder recorder = new Recorder();

    private StageManager manager(Duration timeout) {
        return StageManager.builder().repository(store).observer(recorder).callTimeout(timeout).build();
    }

    @Test
    void everyCallStartsAndEndsOnceWithItsOutcome_refusalsOfBadInputIncluded() {
        StageManager m = manager(Duration.ofSeconds(30));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        m.putVersion("p", "s", SecretValue.ofString("two"));                    // a delegating overload: one call
        int touched = store.loads.get() + store.writes.get();
        assertThrows(StageException.class, () -> m.getStage("p", null, "x"));
        assertThrows(StageException.class, () -> m.updateStage("p", "s", "blue", "v1", null));
        assertEquals(touched, store.loads.get() + store.writes.get(), "INVALID_PARAMETER before the store is touched");
        assertThrows(StageException.class, () -> m.getStage("p", "s", "nope"));
        assertThrows(StageException.class, () -> m.getStage("p", "missing", Stages.SYSCURRENT));
        m.scheduleDeletion("p", "s");
        assertThrows(StageException.class, () -> m.putVersion("p", "s", SecretValue.ofString("three")));
        m.purgeExpired();
        m.listSecrets("p");
        assertEquals(List.of(
                "start createSecret p/s", "end createSecret null",
                "start putVersion p/s", "end putVersion null",
                "start getStage p/null", "end getStage INVALID_PARAMETER",
                "start updateStage p/s", "end updateStage INVALID_PARAMETER",
                "start getStage p/s", "end getStage STAGE_NOT_FOUND",
                "start getStage p/missing", "end getStage SECRET_NOT_FOUND",
                "start scheduleDeletion p/s", "end scheduleDeletion null",
                "start putVersion p/s", "end putVersion SECRET_PENDING_DELETION",
                "start purgeExpired null/null", "end purgeExpired null",
                "start listSecrets p/null", "end listSecrets null"), recorder.log);
    }

    @Test
    void aStoreFailureEndsWithStoreFailure() {
        StageManager m = manager(Duration.ofSeconds(30));
        store.writeFailure = new StoreException("disk on fire");
        StageException e = assertThrows(StageException.class, () -> m.createSecret("p", "s", SecretValue.ofString("x")));
        assertEquals(ErrorCode.STORE_FAILURE, e.code());
        assertEquals(List.of("start createSecret p/s", "end createSecret STORE_FAILURE"), recorder.log);
    }

    @Test
    void aCallMadeByAListenerIsObservedOnItsOwn() {
        StageManager[] self = new StageManager[1];
        self[0] = StageManager.builder().repository(store).observer(recorder)
                .listener(event -> self[0].listStages(event.projectId(), event.secretName())).build();
        self[0].createSecret("p", "s", SecretValue.ofString("x"));
        assertEquals(List.of("start createSecret p/s", "start listStages p/s", "end listStages null",
                "end createSecret null"), recorder.log);
        assertThrows(NullPointerException.class, () -> StageManager.builder().observer(null));
    }

    @Test
    void eachLostRaceIsReportedAndTheWriteStillWins() {
        StageManager m = manager(Duration.ofSeconds(30));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        recorder.log.clear();
        store.racesToLose.set(3);
        assertEquals("v2", m.putVersion("p", "s", SecretValue.ofString("two")).id());
        assertEquals(List.of("start putVersion p/s", "lost putVersion", "lost putVersion", "lost putVersion",
                "end putVersion null"), recorder.log);
    }

    @Test
    void aWriteThatKeepsLosingFailsAtItsDeadlineHavingAppliedNothing() {
        StageManager m = manager(Duration.ofMillis(300));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        store.racesToLose.set(Integer.MAX_VALUE);
        int writesBefore = store.writes.get();
        StageException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(StageException.class,
                () -> m.updateStage("p", "s", "blue", "v1")));
        assertEquals(ErrorCode.STORE_FAILURE, e.code());
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertFalse(e.ambiguous());
        int attempts = store.writes.get() - writesBefore;
        assertTrue(attempts >= 3, "retried before giving up: " + attempts);
        assertTrue(attempts < 20_000, "backed off between attempts rather than spinning: " + attempts);
        store.racesToLose.set(0);
        assertThrows(StageException.class, () -> m.getStage("p", "s", "blue"), "nothing was applied");
        assertTrue(recorder.log.contains("end updateStage STORE_FAILURE"));
    }

    @Test
    void anAmbiguousStoreFailureSaysOutcomeUnknown_aCleanOneDoesNot() {
        StageManager m = manager(Duration.ofSeconds(30));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        store.writeFailure = new StoreException("connection lost during commit", null, true);
        StageException ambiguous = assertThrows(StageException.class,
                () -> m.putVersion("p", "s", SecretValue.ofString("two"), Set.of(Stages.SYSCURRENT), "tok-1"));
        assertEquals(ErrorCode.STORE_FAILURE, ambiguous.code());
        assertTrue(ambiguous.ambiguous());
        assertTrue(ambiguous.getMessage().contains("outcome unknown"), ambiguous.getMessage());
        store.writeFailure = null;
        // it had committed: the retry with the same client token returns that version instead of adding another
        assertEquals("v2", m.putVersion("p", "s", SecretValue.ofString("two"), Set.of(Stages.SYSCURRENT), "tok-1")
                .id());
        assertEquals(2, m.listVersions("p", "s").size());

        store.writeFailure = new StoreException("refused before the commit", null, false);
        StageException clean = assertThrows(StageException.class,
                () -> m.updateStage("p", "s", "blue", "v1", Optional.empty()));
        assertFalse(clean.ambiguous());
        assertFalse(clean.getMessage().contains("outcome unknown"));
        store.writeFailure = null;
        assertThrows(StageException.class, () -> m.getStage("p", "s", "blue"), "a clean failure left no trace");
    }

    @Test
    void anObserverThatThrowsNeverChangesTheOutcome() {
        CallObserver broken = (operation, projectId, secretName) -> {
            throw new IllegalStateException("observer bug");
        };
        StageManager m = StageManager.builder().repository(store).observer(broken).build();
        assertEquals("v1", m.createSecret("p", "s", SecretValue.ofString("one")).id());
        CallObserver brokenEnd = (operation, projectId, secretName) -> outcome -> {
            throw new IllegalStateException("observer bug at the end");
        };
        StageManager m2 = StageManager.builder().repository(store).observer(brokenEnd).build();
        assertEquals("v1", m2.getStage("p", "s", Stages.SYSCURRENT).versionId());
        StageException e = assertThrows(StageException.class, () -> m2.getStage("p", "s", "nope"));
        assertEquals(ErrorCode.STAGE_NOT_FOUND, e.code());
        CallObserver brokenOnLostRace = (operation, projectId, secretName) -> new CallObserver.Call() {
            @Override
            public void lostRace() {
                throw new IllegalStateException("observer bug on a lost race");
            }

            @Override
            public void end(ErrorCode outcome) {
            }
        };
        StageManager m3 = StageManager.builder().repository(store).observer(brokenOnLostRace).build();
        store.racesToLose.set(2);
        assertEquals("v2", m3.putVersion("p", "s", SecretValue.ofString("two")).id(), "the write still wins");
    }

    @Test
    void theCallTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> StageManager.builder().callTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> StageManager.builder().callTimeout(Duration.ofMillis(-1)));
    }
}
