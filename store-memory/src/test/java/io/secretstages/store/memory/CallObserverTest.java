package io.secretstages.store.memory;

import io.secretstages.CallObserver;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The {@link CallObserver} hook: one start and one end per public call, lost races (R21), refusals' codes. */
class CallObserverTest {
    private static final String P = "p";

    /** Records what it is told, one line per event. */
    private static final class Recorder implements CallObserver {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Call start(String operation, String projectId, String secretName) {
            events.add("start " + operation + " " + projectId + " " + secretName);
            return new Call() {
                @Override
                public void lostRace() {
                    events.add("lost " + operation);
                }

                @Override
                public void end(ErrorCode outcome) {
                    events.add("end " + operation + " " + (outcome == null ? "ok" : outcome.name()));
                }
            };
        }
    }

    /** Delegates to the in-memory store; runs {@code beforeApply} once before the first apply, then fails on demand. */
    private static final class Scripted implements StageRepository {
        final StageRepository delegate;
        Runnable beforeApply;
        volatile boolean failing;
        final AtomicInteger calls = new AtomicInteger();

        Scripted(StageRepository delegate) {
            this.delegate = delegate;
        }

        private void touch() {
            calls.incrementAndGet();
            if (failing) {
                throw new IllegalStateException("disk on fire");
            }
        }

        @Override
        public Optional<SecretSnapshot> load(SecretKey key) {
            touch();
            return delegate.load(key);
        }

        @Override
        public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
            touch();
            return delegate.loadValue(snapshot, versionNumber);
        }

        @Override
        public OptionalLong apply(SecretChange change) {
            touch();
            Runnable r = beforeApply;
            beforeApply = null;
            if (r != null) {
                r.run();
            }
            return delegate.apply(change);
        }

        @Override
        public boolean delete(SecretSnapshot base) {
            touch();
            return delegate.delete(base);
        }

        @Override
        public OptionalLong rewriteValues(SecretSnapshot base, java.util.Map<Long, SecretValue> values) {
            touch();
            return delegate.rewriteValues(base, values);
        }

        @Override
        public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
            touch();
            return delegate.listSecrets(projectId, afterName, activeAt, limit);
        }

        @Override
        public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
            touch();
            return delegate.listDeletionsDue(asOf, limit);
        }
    }

    @Test
    void everyCallStartsAndEndsOnceWithItsOutcome() {
        Recorder rec = new Recorder();
        Scripted store = new Scripted(new InMemoryStageRepository());
        StageManager m = StageManager.builder().repository(store).observer(rec).build();

        m.createSecret(P, "a", SecretValue.ofString("x"));
        m.putVersion(P, "a", SecretValue.ofString("y"));                         // delegating overload: one call
        m.listSecrets(P);
        m.scheduleDeletion(P, "a");
        int touched = store.calls.get();
        assertThrows(StageException.class, () -> m.getStage(null, "a", Stages.SYSCURRENT));
        assertEquals(touched, store.calls.get(), "INVALID_PARAMETER before the store is touched");
        assertThrows(StageException.class, () -> m.putVersion(P, "a", SecretValue.ofString("z")));
        assertThrows(StageException.class, () -> m.getStage(P, "missing", Stages.SYSCURRENT));
        m.purgeExpired();

        assertEquals(List.of(
                "start createSecret p a", "end createSecret ok",
                "start putVersion p a", "end putVersion ok",
                "start listSecrets p null", "end listSecrets ok",
                "start scheduleDeletion p a", "end scheduleDeletion ok",
                "start getStage null a", "end getStage INVALID_PARAMETER",
                "start putVersion p a", "end putVersion SECRET_PENDING_DELETION",
                "start getStage p missing", "end getStage SECRET_NOT_FOUND",
                "start purgeExpired null null", "end purgeExpired ok"), rec.events);
    }

    @Test
    void aLostRaceIsReportedOnceAndTheCallStillSucceeds() {
        InMemoryStageRepository shared = new InMemoryStageRepository();
        Scripted store = new Scripted(shared);
        Recorder rec = new Recorder();
        StageManager m = StageManager.builder().repository(store).observer(rec).build();
        StageManager other = StageManager.builder().repository(shared).build();
        m.createSecret(P, "a", SecretValue.ofString("x"));
        rec.events.clear();

        // the other writer commits between this manager's read and its apply: the apply is refused (stale revision)
        store.beforeApply = () -> other.putVersion(P, "a", SecretValue.ofString("other"));
        m.putVersion(P, "a", SecretValue.ofString("mine"));

        assertEquals(List.of("start putVersion p a", "lost putVersion", "end putVersion ok"), rec.events);
        assertEquals("v3", m.getStage(P, "a", Stages.SYSCURRENT).versionId());
    }

    @Test
    void aStoreFailureEndsWithStoreFailure() {
        Scripted store = new Scripted(new InMemoryStageRepository());
        Recorder rec = new Recorder();
        StageManager m = StageManager.builder().repository(store).observer(rec).build();
        store.failing = true;
        StageException e = assertThrows(StageException.class, () -> m.createSecret(P, "a", SecretValue.ofString("x")));
        assertEquals(ErrorCode.STORE_FAILURE, e.code());
        assertEquals(List.of("start createSecret p a", "end createSecret STORE_FAILURE"), rec.events);
    }

    @Test
    void aFailingObserverNeverChangesTheOutcome() {
        CallObserver broken = (op, p, s) -> {
            throw new IllegalStateException("observer bug");
        };
        CallObserver brokenEnd = (op, p, s) -> new CallObserver.Call() {
            @Override
            public void lostRace() {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void end(ErrorCode outcome) {
                throw new IllegalStateException("observer bug");
            }
        };
        for (CallObserver o : List.of(broken, brokenEnd)) {
            StageManager m = StageManager.builder().repository(new InMemoryStageRepository()).observer(o).build();
            m.createSecret(P, "a", SecretValue.ofString("x"));
            assertEquals("v1", m.getStage(P, "a", Stages.SYSCURRENT).versionId());
            assertEquals(ErrorCode.SECRET_ALREADY_EXISTS,
                    assertThrows(StageException.class, () -> m.createSecret(P, "a", SecretValue.ofString("x"))).code());
        }
    }

    @Test
    void aCallMadeByAListenerIsObservedOnItsOwn() {
        Recorder rec = new Recorder();
        StageManager[] self = new StageManager[1];
        self[0] = StageManager.builder().repository(new InMemoryStageRepository()).observer(rec)
                .listener(event -> self[0].listStages(event.projectId(), event.secretName())).build();
        self[0].createSecret(P, "a", SecretValue.ofString("x"));
        assertEquals(List.of("start createSecret p a", "start listStages p a", "end listStages ok",
                "end createSecret ok"), rec.events);
        assertThrows(NullPointerException.class, () -> StageManager.builder().observer(null));
    }
}
