package io.secretstages;

import io.secretstages.spi.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * R22 where two refusals apply at once (each case is built so that both hold, and the earlier one must win), that
 * bad input never reaches the store, the write cache's saved reads, and the events of each change.
 */
class PrecedenceAndWriteCacheTest {
    private final MapStore store = new MapStore();
    private final List<StageEvent> events = new ArrayList<>();
    private final StageManager m = StageManager.builder().repository(store).maxStages(3).maxVersions(4)
            .listener(events::add).build();

    private static void refused(ErrorCode code, Executable call) {
        StageException e = assertThrows(StageException.class, call);
        assertEquals(code, e.code(), e::toString);
    }

    @Test
    void invalidParameterComesFirstAndTouchesNoStore() {
        refused(ErrorCode.INVALID_PARAMETER, () -> m.updateStage("p", "no such", SYSPREVIOUS, "v1"));
        refused(ErrorCode.INVALID_PARAMETER, () -> m.deleteStage("p", "s", "bad name"));
        refused(ErrorCode.INVALID_PARAMETER, () -> m.putVersion("p", "s", null, Set.of(SYSPREVIOUS)));
        refused(ErrorCode.INVALID_PARAMETER, () -> m.updateStage("p", "s", "blue", "latest"));
        refused(ErrorCode.INVALID_PARAMETER, () -> m.scheduleDeletion("p", "s", 6));
        refused(ErrorCode.INVALID_PARAMETER, () -> m.listSecrets("p", null, 0));
        assertEquals(0, store.loads.get() + store.writes.get(), "no store call for bad input");
    }

    @Test
    void builtInStageComesBeforeSecretNotFound() {
        refused(ErrorCode.BUILT_IN_STAGE, () -> m.updateStage("p", "absent", SYSPREVIOUS, "v1"));
        refused(ErrorCode.BUILT_IN_STAGE, () -> m.deleteStage("p", "absent", SYSCURRENT));
        refused(ErrorCode.BUILT_IN_STAGE, () -> m.putVersion("p", "absent", SecretValue.ofString("x"),
                Set.of(SYSPREVIOUS)));
        assertEquals(0, store.loads.get(), "decided before the store is read");
    }

    @Test
    void pendingDeletionComesBeforeVersionStageConflictAndLimit() {
        m.createSecret("p", "s", SecretValue.ofString("one"));
        m.putVersion("p", "s", SecretValue.ofString("two"), Set.of("blue"));
        m.scheduleDeletion("p", "s");
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.updateStage("p", "s", "blue", "v9"));
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.updateStage("p", "s", "blue", "v1", Optional.of("v7")));
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.deleteStage("p", "s", "green"));
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.getVersion("p", "s", "v9"));
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.getVersionByStage("p", "s", "green"));
        refused(ErrorCode.SECRET_PENDING_DELETION, () -> m.createSecret("p", "s", SecretValue.ofString("x")));
        assertEquals("v2", m.getStage("p", "s", "blue").versionId(), "stages stay readable");
        refused(ErrorCode.STAGE_NOT_FOUND, () -> m.getStage("p", "s", "green"));
    }

    @Test
    void versionNotFoundBeforeConflictBeforeStageLimit() {
        m.createSecret("p", "s", SecretValue.ofString("one"));
        m.putVersion("p", "s", SecretValue.ofString("two"), Set.of("blue")); // the one custom stage of 3 - 2
        refused(ErrorCode.VERSION_NOT_FOUND, () -> m.updateStage("p", "s", "green", "v9", Optional.of("v1")));
        refused(ErrorCode.CONFLICT, () -> m.updateStage("p", "s", "green", "v1", Optional.of("v1")));
        refused(ErrorCode.STAGE_LIMIT_EXCEEDED, () -> m.updateStage("p", "s", "green", "v1", Optional.empty()));
        // CONFLICT even when the target already holds the stage (R20)
        refused(ErrorCode.CONFLICT, () -> m.updateStage("p", "s", "blue", "v2", Optional.of("v1")));
    }

    @Test
    void secretNotFoundBeforePendingAndAfterBuiltIn() {
        refused(ErrorCode.SECRET_NOT_FOUND, () -> m.updateStage("p", "absent", "blue", "v9", Optional.of("v1")));
        refused(ErrorCode.SECRET_NOT_FOUND, () -> m.restoreSecret("p", "absent"));
        refused(ErrorCode.SECRET_NOT_FOUND, () -> m.getVersion("p", "absent", "latest"));
        m.createSecret("p", "s", SecretValue.ofString("one"));
        refused(ErrorCode.SECRET_ALREADY_EXISTS, () -> m.createSecret("p", "s", SecretValue.ofString("x")));
    }

    @Test
    void theWriteCacheSavesTheReadOfAWriteAfterAWrite_andAStaleOneCostsOneRetry() {
        StageManager other = StageManager.builder().repository(store).writeCacheSize(0).build();
        m.createSecret("p", "s", SecretValue.ofString("one"));
        int loads = store.loads.get();
        m.putVersion("p", "s", SecretValue.ofString("two"));
        m.updateStage("p", "s", "blue", "v1");
        m.deleteStage("p", "s", "blue");
        assertEquals(loads, store.loads.get(), "planned from the snapshots this manager wrote");
        other.putVersion("p", "s", SecretValue.ofString("three")); // this manager's snapshot is stale now
        loads = store.loads.get();
        int writes = store.writes.get();
        assertEquals("v2", m.updateStage("p", "s", "blue", "v2").versionId());
        assertEquals(loads + 1, store.loads.get(), "one fresh read after the stale plan lost");
        assertEquals(writes + 2, store.writes.get(), "the stale attempt, then the one that applied");
        // a no-op answer from a stale snapshot is confirmed: the store says v1 holds blue now, not v2
        other.updateStage("p", "s", "blue", "v1");
        assertEquals("v2", m.updateStage("p", "s", "blue", "v2").versionId());
        assertEquals("v2", other.getStage("p", "s", "blue").versionId(), "moved, not answered from the cache");
    }

    @Test
    void eachCommittedChangeIsOneEventWithItsMoves() {
        m.createSecret("p", "s", SecretValue.ofString("one"));
        m.putVersion("p", "s", SecretValue.ofString("two"));
        m.updateStage("p", "s", "blue", "v1");
        m.updateStage("p", "s", "blue", "v1"); // R18: no change, no event
        m.deleteStage("p", "s", "blue");
        m.scheduleDeletion("p", "s", 7);
        m.restoreSecret("p", "s");
        m.restoreSecret("p", "s"); // enabled already: no event
        m.deleteSecret("p", "s");
        List<String> seen = new ArrayList<>();
        events.forEach(e -> seen.add(e.operation() + " " + e.stagesMoved() + " +" + e.versionsAdded() + " -"
                + e.versionsEvicted()));
        assertEquals(List.of(
                "CREATE_SECRET [SYSCURRENT -->v1] +[v1] -[]",
                "PUT_VERSION [SYSCURRENT v1->v2, SYSPREVIOUS -->v1] +[v2] -[]",
                "UPDATE_STAGE [blue -->v1] +[] -[]",
                "DELETE_STAGE [blue v1->-] +[] -[]",
                "SCHEDULE_DELETION [] +[] -[]",
                "RESTORE_SECRET [] +[] -[]",
                "DELETE_SECRET [SYSCURRENT v2->-, SYSPREVIOUS v1->-] +[] -[v1, v2]"), seen);
        assertEquals(Optional.empty(), store.load(new SecretKey("p", "s")));
    }
}
