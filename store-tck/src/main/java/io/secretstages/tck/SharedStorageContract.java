package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretState;
import io.secretstages.StageManager;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static io.secretstages.Stages.SYSCURRENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): two repositories over one storage, standing for
 * two nodes; skipped (assumption) unless the store overrides
 * {@link #anotherRepositoryOverSameStorage(StageRepository)}.
 */
public abstract class SharedStorageContract extends LifecycleContract {
    /** For the next part of the kit. */
    protected SharedStorageContract() {
    }

    @Nested
    @DisplayName("two repositories over one storage (other nodes)")
    class SharedStorage {
        @Test
        void r21_r20_writersOverTwoRepositoriesOfOneStorage() throws Exception {
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            assumeTrue(second != null, "the store has no shared storage");
            StageManager other = StageManager.builder().repository(second).clock(clock).build();
            create("s");
            other.putVersion(project, "s", text("2"));
            assertEquals("v2", holder("s", SYSCURRENT));
            manager.updateStage(project, "s", "blue", "v1");
            assertEquals("v1", other.getStage(project, "s", "blue").versionId());
            assertRefused(ErrorCode.CONFLICT, () -> other.updateStage(project, "s", SYSCURRENT, "v1", Optional.of("v1")));
            ConcurrencyFuzz.Report r = new ConcurrencyFuzz(List.of(manager, other), newProjectId()).run(4, 200, 7);
            assertEquals(800, r.operations());
        }

        @Test
        void twoRepositoriesOverOneStorageAgreeOnRevisions() {
            StageRepository other = anotherRepositoryOverSameStorage(underlying);
            assumeTrue(other != null, "the store has no shared storage");
            SecretSnapshot base = createdThroughSpi("s");
            assertEquals(Optional.of(base), other.load(base.key()));
            SecretChange viaOther = putChange(base, 2, "two");
            long r = other.apply(viaOther).orElseThrow();
            assertHolds(underlying, viaOther, r);
            assertEquals(OptionalLong.empty(), underlying.apply(putChange(base, 2, "clash")), "stale on the first");
            assertEquals(Optional.of(text("two")),
                    underlying.loadValue(underlying.load(base.key()).orElseThrow(), 2));
        }

        @Test
        void r8_anotherNodeSeesTheScheduleAndTheRestore() {
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            if (second == null) {
                return; // no shared storage
            }
            StageManager node2 = StageManager.builder().repository(second).clock(clock).build();
            create("s");
            manager.scheduleDeletion(project, "s", 7);
            assertRefused(ErrorCode.SECRET_PENDING_DELETION, () -> node2.putVersion(project, "s", text("x")));
            assertEquals(SecretState.ENABLED, node2.restoreSecret(project, "s").state());
            assertEquals("v2", manager.putVersion(project, "s", text("2")).id(), "restored by the other node");
        }
    }
}
