package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): versions (R9-R16), stages (R17-R21), R22's
 * precedence, events and client tokens, through a manager.
 */
public abstract class StageRuleContract extends SecretRuleContract {
    /** For the next part of the kit. */
    protected StageRuleContract() {
    }

    @Nested
    @DisplayName("R9-R16 versions")
    class Versions {
        @Test
        void r9_r12_putWithoutStagesMovesSyscurrentAndSyspreviousFollows() {
            create("s");
            tick();
            SecretVersion v2 = manager.putVersion(project, "s", text("2"));
            assertEquals(Set.of(SYSCURRENT), v2.stages());
            assertEquals("v2", holder("s", SYSCURRENT));
            Stage previous = manager.getStage(project, "s", SYSPREVIOUS);
            assertEquals("v1", previous.versionId());
            assertEquals(clock.instant(), previous.updateTime());
            assertEquals(Set.of(SYSPREVIOUS), manager.getVersion(project, "s", "v1").stages());
            tick();
            manager.putVersion(project, "s", text("3"));
            assertEquals("v2", holder("s", SYSPREVIOUS));
            assertEquals(Set.of(), manager.getVersion(project, "s", "v1").stages(), "v1 is deprecated");
        }

        @Test
        void r10_putWithStagesAttachesExactlyThoseAndSyscurrentStays() {
            create("s");
            SecretVersion v2 = manager.putVersion(project, "s", text("2"), Set.of("blue", "green"));
            assertEquals(Set.of("blue", "green"), v2.stages());
            assertEquals("v1", holder("s", SYSCURRENT));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(project, "s", SYSPREVIOUS));
            SecretVersion v3 = manager.putVersion(project, "s", text("3"), Set.of(SYSCURRENT, "blue"));
            assertEquals(Set.of(SYSCURRENT, "blue"), v3.stages());
            assertEquals("v1", holder("s", SYSPREVIOUS));
            assertEquals(Set.of("green"), manager.getVersion(project, "s", "v2").stages());
        }

        @Test
        void r10_emptyOrOversizedStageSetsAreInvalid() {
            create("s");
            String before = state("s");
            Set<String> thirteen = new LinkedHashSet<>();
            for (int i = 0; i < 13; i++) {
                thirteen.add("s" + i);
            }
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", text("x"), Set.of()));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", text("x"), thirteen));
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.putVersion(project, "s", text("x"), new HashSet<>(Arrays.asList("a", null))));
            assertEquals(before, state("s"));
        }

        @Test
        void r10_r14_twelveStagesWithinTheSetLimitButPastTheCustomLimitAreLimitExceeded() {
            create("s");
            Set<String> twelve = new LinkedHashSet<>();
            twelve.add(SYSCURRENT);
            for (int i = 0; i < 11; i++) {
                twelve.add("c" + i);
            }
            assertRefused(ErrorCode.STAGE_LIMIT_EXCEEDED, () -> manager.putVersion(project, "s", text("x"), twelve));
            twelve.remove("c10");
            assertEquals(11, manager.putVersion(project, "s", text("x"), twelve).stages().size());
        }

        @Test
        void r11_aStageNamesAtMostOneVersion() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            manager.putVersion(project, "s", text("3"), Set.of("blue"));
            assertEquals("v3", holder("s", "blue"));
            assertEquals(Set.of(), manager.getVersion(project, "s", "v2").stages());
            manager.updateStage(project, "s", "blue", "v1");
            assertEquals(Set.of(SYSCURRENT, "blue"), manager.getVersion(project, "s", "v1").stages());
            assertEquals(Set.of(), manager.getVersion(project, "s", "v3").stages());
        }

        @Test
        void r12_syscurrentMovedByUpdateTakesSyspreviousAlong_andNotWhenAlreadyThere() {
            create("s");
            manager.putVersion(project, "s", text("2"));
            manager.putVersion(project, "s", text("3"));
            tick();
            manager.updateStage(project, "s", SYSCURRENT, "v2");
            assertEquals("v2", holder("s", SYSCURRENT));
            assertEquals("v3", holder("s", SYSPREVIOUS), "SYSPREVIOUS left the new holder (I3)");
            String before = manager.listStages(project, "s").toString();
            tick();
            manager.updateStage(project, "s", SYSCURRENT, "v2");
            assertEquals(before, manager.listStages(project, "s").toString(), "no move, no change");
        }

        @Test
        void r13_syspreviousCannotBeNamed() {
            create("s");
            manager.putVersion(project, "s", text("2"));
            String before = state("s");
            assertRefused(ErrorCode.BUILT_IN_STAGE,
                    () -> manager.putVersion(project, "s", text("x"), Set.of(SYSPREVIOUS)));
            assertRefused(ErrorCode.BUILT_IN_STAGE,
                    () -> manager.putVersion(project, "s", text("x"), Set.of(SYSPREVIOUS, SYSCURRENT)));
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.updateStage(project, "s", SYSPREVIOUS, "v2"));
            assertRefused(ErrorCode.BUILT_IN_STAGE,
                    () -> manager.updateStage(project, "s", SYSPREVIOUS, "v2", Optional.of("v1")));
            assertEquals(before, state("s"));
        }

        @Test
        void r14_atMostTenCustomStages_builtInsAlwaysHaveRoom() {
            create("s");
            for (int i = 0; i < 10; i++) {
                manager.putVersion(project, "s", text("c" + i), Set.of("c" + i));
            }
            String before = state("s");
            assertRefused(ErrorCode.STAGE_LIMIT_EXCEEDED,
                    () -> manager.putVersion(project, "s", text("x"), Set.of("c10")));
            assertRefused(ErrorCode.STAGE_LIMIT_EXCEEDED, () -> manager.updateStage(project, "s", "c10", "v1"));
            assertEquals(before, state("s"));
            manager.putVersion(project, "s", text("rotation"));
            manager.updateStage(project, "s", SYSCURRENT, "v3");
            manager.putVersion(project, "s", text("x"), Set.of("c0", "c1"));
            manager.updateStage(project, "s", "c2", "v1");
            assertEquals(12, manager.listStages(project, "s").size());
            manager.deleteStage(project, "s", "c9");
            manager.updateStage(project, "s", "c10", "v1");
        }

        @Test
        void r15_beyondTwentyVersionsTheOldestDeprecatedAreRemoved() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("keep"));
            for (int i = 3; i <= 25; i++) {
                manager.putVersion(project, "s", text("x" + i));
            }
            List<String> ids = ids("s");
            assertEquals(20, ids.size());
            assertEquals("v2", ids.get(0), "v2 holds a stage and is kept");
            assertEquals("v7", ids.get(1), "v1 and v3-v6 were the oldest deprecated");
            assertEquals("v25", ids.get(19));
            assertRefused(ErrorCode.VERSION_NOT_FOUND, () -> manager.getVersion(project, "s", "v1"));
        }

        @Test
        void r15_limitsAreConfigurable() {
            StageManager small = configure(StageManager.builder().repository(repository).clock(clock))
                    .maxStages(3).maxVersions(4).build();
            small.createSecret(project, "s", text("1"));
            small.putVersion(project, "s", text("2"), Set.of("only"));
            assertRefused(ErrorCode.STAGE_LIMIT_EXCEEDED, () -> small.putVersion(project, "s", text("x"), Set.of("two")));
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> small.putVersion(project, "s", text("x"), Set.of("a", "b", "c", "d")));
            for (int i = 0; i < 5; i++) {
                small.putVersion(project, "s", text("r" + i));
            }
            assertEquals(List.of("v2", "v5", "v6", "v7"), ids("s"));
            assertThrows(IllegalArgumentException.class,
                    () -> StageManager.builder().repository(repository).maxStages(1).maxVersions(5).build());
            assertThrows(IllegalArgumentException.class,
                    () -> StageManager.builder().repository(repository).maxStages(5).maxVersions(5).build());
            assertThrows(IllegalStateException.class, () -> StageManager.builder().build());
        }

        @Test
        void r16_readByIdLatestAndStage_listInNumericOrderWithoutValues() {
            create("s");
            for (int i = 2; i <= 11; i++) {
                tick();
                manager.putVersion(project, "s", text("value" + i), i == 10 ? Set.of("blue") : Set.of(SYSCURRENT));
            }
            SecretVersion latest = manager.getVersion(project, "s", "latest");
            assertEquals("v11", latest.id());
            assertEquals(text("value11"), latest.value());
            assertEquals(START.plusMillis(7 * 10), latest.metadata().createTime());
            assertEquals("v10", manager.getVersionByStage(project, "s", "blue").id());
            assertEquals(text("value10"), manager.getVersionByStage(project, "s", "blue").value());
            assertEquals(latest, manager.getVersionByStage(project, "s", SYSCURRENT));
            assertEquals(text("value9"), manager.getVersion(project, "s", "v9").value());
            assertEquals(List.of("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11"), ids("s"));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getVersionByStage(project, "s", "green"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getVersion(project, "nope", "latest"));
        }
    }

    @Nested
    @DisplayName("R17-R21 stages")
    class StageOperations {
        @Test
        void r17_queryReturnsNameSecretVersionAndMillisecondUpdateTime() {
            clock.set(Instant.parse("2026-05-06T07:08:09.123Z"));
            create("s");
            Stage s = manager.getStage(project, "s", SYSCURRENT);
            assertEquals(new Stage(SYSCURRENT, "s", "v1", Instant.ofEpochMilli(clock.millis())), s);
            assertEquals(clock.millis(), s.updateTime().toEpochMilli());
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getStage(project, "other", SYSCURRENT));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(project, "s", "blue"));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(project, "s", SYSPREVIOUS));
        }

        @Test
        void r18_updateAttachesAndReturnsTheStage_sameVersionChangesNothing() {
            create("s");
            manager.putVersion(project, "s", text("2"));
            tick();
            Stage blue = manager.updateStage(project, "s", "blue", "v1");
            assertEquals(new Stage("blue", "s", "v1", clock.instant()), blue);
            assertEquals(blue, manager.getStage(project, "s", "blue"));
            tick();
            assertEquals(blue, manager.updateStage(project, "s", "blue", "v1"), "update_time unchanged");
            assertEquals(blue, manager.getStage(project, "s", "blue"));
            tick();
            Stage moved = manager.updateStage(project, "s", "blue", "v2");
            assertEquals(new Stage("blue", "s", "v2", clock.instant()), moved);
            assertRefused(ErrorCode.VERSION_NOT_FOUND, () -> manager.updateStage(project, "s", "blue", "v3"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.updateStage(project, "t", "blue", "v1"));
            assertEquals(moved, manager.getStage(project, "s", "blue"));
        }

        @Test
        void r19_deleteDetachesACustomStage_builtInsAndUnknownAreRefused() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of(SYSCURRENT, "blue"));
            manager.deleteStage(project, "s", "blue");
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(project, "s", "blue"));
            assertEquals(Set.of(SYSCURRENT), manager.getVersion(project, "s", "v2").stages());
            String before = state("s");
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.deleteStage(project, "s", SYSCURRENT));
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.deleteStage(project, "s", SYSPREVIOUS));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.deleteStage(project, "s", "blue"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.deleteStage(project, "t", "blue"));
            assertEquals(before, state("s"));
        }

        @Test
        void r20_guardedUpdateAppliesOnlyWhenTheHolderIsTheExpectedOne() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("pending"));
            tick();
            Stage s = manager.updateStage(project, "s", SYSCURRENT, "v2", Optional.of("v1"));
            assertEquals("v2", s.versionId());
            assertEquals("v1", holder("s", SYSPREVIOUS));
            String before = state("s");
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", SYSCURRENT, "v1", Optional.of("v1")));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", SYSCURRENT, "v2", Optional.of("v1")));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", SYSCURRENT, "v1", Optional.empty()));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", SYSCURRENT, "v1", Optional.of("v02")));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", SYSCURRENT, "v1", Optional.of("v99")));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", "blue", "v1", Optional.of("v1")));
            assertEquals(before, state("s"));
            assertEquals("v1", manager.updateStage(project, "s", "blue", "v1", Optional.empty()).versionId());
            assertEquals("v2", manager.updateStage(project, "s", "blue", "v2", Optional.of("v1")).versionId());
            assertEquals("v2", manager.updateStage(project, "s", "blue", "v2", Optional.of("v2")).versionId());
        }

        @Test
        void r18_r21_aNoOpAnswerIsNeverTakenFromAStaleView() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            assertEquals("v2", holder("s", "blue"));
            StageManager other = StageManager.builder().repository(repository).clock(clock).build();
            tick();
            other.updateStage(project, "s", "blue", "v1");
            tick();
            assertEquals("v2", manager.updateStage(project, "s", "blue", "v2").versionId());
            assertEquals("v2", other.getStage(project, "s", "blue").versionId(), "moved back, not taken as a no-op");
            assertEquals(clock.instant(), other.getStage(project, "s", "blue").updateTime());
            other.updateStage(project, "s", "blue", "v1");
            assertRefused(ErrorCode.CONFLICT,
                    () -> manager.updateStage(project, "s", "blue", "v2", Optional.of("v2")));
        }
    }

    @Nested
    @DisplayName("R22 precedence of refusals")
    class Precedence {
        @Test
        void r22_invalidParameterBeatsEverything() {
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.putVersion(project, "nope", text("x"), Set.of(SYSPREVIOUS, "bad name")));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.updateStage(project, "nope", SYSPREVIOUS, "latest"));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.deleteStage(project, "no pe", SYSCURRENT));
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.updateStage(project, "nope", SYSPREVIOUS, "v1", Optional.of("x")));
        }

        @Test
        void r22_builtInStageBeatsSecretNotFound() {
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.deleteStage(project, "nope", SYSCURRENT));
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.updateStage(project, "nope", SYSPREVIOUS, "v9"));
            assertRefused(ErrorCode.BUILT_IN_STAGE,
                    () -> manager.putVersion(project, "nope", text("x"), Set.of(SYSPREVIOUS)));
        }

        @Test
        void r22_secretNotFoundBeatsVersionAndStageNotFound() {
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.updateStage(project, "nope", "blue", "v9"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getVersion(project, "nope", "v0"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.deleteStage(project, "nope", "blue"));
        }

        @Test
        void r22_versionNotFoundBeatsConflictAndLimit_conflictBeatsLimit() {
            create("s");
            for (int i = 0; i < 10; i++) {
                manager.updateStage(project, "s", "c" + i, "v1");
            }
            assertRefused(ErrorCode.VERSION_NOT_FOUND,
                    () -> manager.updateStage(project, "s", "c10", "v9", Optional.of("v1")));
            assertRefused(ErrorCode.CONFLICT, () -> manager.updateStage(project, "s", "c10", "v1", Optional.of("v1")));
            assertRefused(ErrorCode.STAGE_LIMIT_EXCEEDED,
                    () -> manager.updateStage(project, "s", "c10", "v1", Optional.empty()));
        }
    }

    @Nested
    @DisplayName("change events and deprecated-version listing")
    class EventsAndListing {
        @Test
        void listVersionsCanLeaveOutDeprecatedVersions() {
            create("s");
            manager.putVersion(project, "s", text("2"));
            manager.putVersion(project, "s", text("3"), Set.of("blue"));
            manager.putVersion(project, "s", text("4"));
            assertEquals(List.of("v1", "v2", "v3", "v4"), ids("s"));
            assertEquals(List.of("v2", "v3", "v4"), manager.listVersions(project, "s", false).stream()
                    .map(VersionMetadata::id).toList(), "v1 holds no stage");
            assertEquals(manager.listVersions(project, "s"), manager.listVersions(project, "s", true));
        }

        @Test
        void idempotentPutsWithAClientToken() {
            create("s");
            SecretVersion first = manager.putVersion(project, "s", text("two"), Set.of(SYSCURRENT), "request-1");
            assertEquals("v2", first.id());
            tick();
            String before = state("s");
            SecretVersion again = manager.putVersion(project, "s", text("two"), Set.of(SYSCURRENT), "request-1");
            assertEquals(first.metadata(), again.metadata(), "the same token and value return the earlier version");
            assertEquals(text("two"), again.value());
            assertEquals(before, state("s"), "and change nothing");
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.putVersion(project, "s", text("other"), Set.of(SYSCURRENT), "request-1"));
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.putVersion(project, "s", text("two"), Set.of(SYSCURRENT), "bad token!"));
            assertRefused(ErrorCode.INVALID_PARAMETER,
                    () -> manager.putVersion(project, "s", text("two"), Set.of(SYSCURRENT), null));
            assertEquals(before, state("s"));
            assertEquals("v3", manager.putVersion(project, "s", text("two"), Set.of("blue"), "request-2").id());
            create("t");
            assertEquals("v2", manager.putVersion(project, "t", text("x"), Set.of(SYSCURRENT), "request-1").id(),
                    "tokens are per secret");
            for (int i = 0; i < 25; i++) {
                manager.putVersion(project, "s", text("r" + i));
            }
            assertRefused(ErrorCode.VERSION_NOT_FOUND, () -> manager.getVersion(project, "s", "v2"));
            assertTrue(Integer.parseInt(manager.putVersion(project, "s", text("other"), Set.of(SYSCURRENT), "request-1")
                    .id().substring(1)) > 25, "a token is forgotten with its version (R15)");
        }

        @Test
        void everyCommittedChangeIsAnEventWithItsMoves_listenerFailuresChangeNothing() {
            List<io.secretstages.StageEvent> events = new ArrayList<>();
            StageManager m = configure(StageManager.builder().repository(repository).clock(clock))
                    .maxStages(3).maxVersions(4)
                    .listener(e -> {
                        throw new IllegalStateException("a broken listener");
                    })
                    .listener(events::add)
                    .build();
            m.createSecret(project, "s", text("1"));
            m.putVersion(project, "s", text("2"), Set.of("blue"));
            m.putVersion(project, "s", text("3"));
            m.putVersion(project, "s", text("4"));
            m.putVersion(project, "s", text("5"));
            tick();
            m.updateStage(project, "s", SYSCURRENT, "v4");
            m.updateStage(project, "s", SYSCURRENT, "v4");
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> m.deleteStage(project, "s", "green"));
            m.deleteStage(project, "s", "blue");
            m.deleteSecret(project, "s");
            List<String> described = events.stream().map(e -> e.operation() + " " + e.secretName() + " moves="
                    + e.stagesMoved() + " added=" + e.versionsAdded() + " evicted=" + e.versionsEvicted()).toList();
            assertEquals(List.of(
                    "CREATE_SECRET s moves=[SYSCURRENT -->v1] added=[v1] evicted=[]",
                    "PUT_VERSION s moves=[blue -->v2] added=[v2] evicted=[]",
                    "PUT_VERSION s moves=[SYSCURRENT v1->v3, SYSPREVIOUS -->v1] added=[v3] evicted=[]",
                    "PUT_VERSION s moves=[SYSCURRENT v3->v4, SYSPREVIOUS v1->v3] added=[v4] evicted=[]",
                    "PUT_VERSION s moves=[SYSCURRENT v4->v5, SYSPREVIOUS v3->v4] added=[v5] evicted=[v1]",
                    "UPDATE_STAGE s moves=[SYSCURRENT v5->v4, SYSPREVIOUS v4->v5] added=[] evicted=[]",
                    "DELETE_STAGE s moves=[blue v2->-] added=[] evicted=[]",
                    "DELETE_SECRET s moves=[SYSCURRENT v4->-, SYSPREVIOUS v5->-] added=[] evicted=[v2, v3, v4, v5]"),
                    described, "no event for the no-op update or the refusal; the failing listener changed nothing");
            assertEquals(clock.instant(), events.get(5).time());
            assertTrue(events.stream().allMatch(e -> e.projectId().equals(project)));
        }
    }
}
