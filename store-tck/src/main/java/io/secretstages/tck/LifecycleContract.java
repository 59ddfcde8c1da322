package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import io.secretstages.SecretState;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): R8's scheduled deletion, restore and purging,
 * and the paged listing of secrets, through a manager.
 */
public abstract class LifecycleContract extends StageRuleContract {
    /** For the next part of the kit. */
    protected LifecycleContract() {
    }

    @Nested
    @DisplayName("R8 scheduled deletion and restore")
    class ScheduledDeletion {
        @Test
        void r8_scheduleDefaultsToThirtyDays_windowsOfSevenToThirtyDays() {
            create("s");
            tick();
            SecretMetadata m = manager.scheduleDeletion(project, "s");
            assertEquals(new SecretMetadata("s", SecretState.PENDING_DELETION, START,
                    Optional.of(clock.instant().plus(Duration.ofDays(30)))), m);
            assertEquals(m, manager.getSecret(project, "s"));
            create("t");
            for (int bad : new int[]{6, 31, 0, -7, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                int calls = repository.calls();
                assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.scheduleDeletion(project, "t", bad));
                assertEquals(calls, repository.calls(), "refused before any store call (R5)");
            }
            assertEquals(SecretState.ENABLED, manager.getSecret(project, "t").state());
            assertEquals(Optional.empty(), manager.getSecret(project, "t").deletionTime());
            assertEquals(Optional.of(clock.instant().plus(Duration.ofDays(7))),
                    manager.scheduleDeletion(project, "t", 7).deletionTime());
            create("u");
            assertEquals(Optional.of(clock.instant().plus(Duration.ofDays(30))),
                    manager.scheduleDeletion(project, "u", 30).deletionTime());
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.scheduleDeletion(project, "nope", 7));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getSecret(project, "nope"));
        }

        @Test
        void r8_r22_whilePendingEveryChangeIsRefused_valuesHidden_stagesAndMetadataReadable() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            manager.putVersion(project, "s", text("3"));
            manager.scheduleDeletion(project, "s", 7);
            String before = state("s");
            Optional<io.secretstages.spi.SecretSnapshot> stored = stored("s");
            tick();
            List<Executable> refused = List.of(
                    () -> manager.putVersion(project, "s", text("x")),
                    () -> manager.putVersion(project, "s", text("x"), Set.of("green")),
                    () -> manager.putVersion(project, "s", text("x"), Set.of(SYSCURRENT), "token-1"),
                    () -> manager.updateStage(project, "s", "blue", "v1"),
                    () -> manager.updateStage(project, "s", SYSCURRENT, "v1", Optional.of("v3")),
                    () -> manager.deleteStage(project, "s", "blue"),
                    () -> manager.deleteSecret(project, "s"),
                    () -> manager.createSecret(project, "s", text("x")),
                    () -> manager.scheduleDeletion(project, "s"),
                    () -> manager.getVersion(project, "s", "latest"),
                    () -> manager.getVersion(project, "s", "v1"),
                    () -> manager.getVersionByStage(project, "s", "blue"),
                    // R22: SECRET_PENDING_DELETION comes before VERSION_NOT_FOUND, STAGE_NOT_FOUND, CONFLICT, limits
                    () -> manager.getVersion(project, "s", "v99"),
                    () -> manager.getVersionByStage(project, "s", "nope"),
                    () -> manager.updateStage(project, "s", "blue", "v99"),
                    () -> manager.updateStage(project, "s", "blue", "v1", Optional.of("v3")),
                    () -> manager.deleteStage(project, "s", "nope"));
            for (Executable call : refused) {
                StageException e = assertRefused(ErrorCode.SECRET_PENDING_DELETION, call);
                assertEquals(400, e.code().httpStatus());
                assertEquals("CSMS.0103", e.code().errorCode());
            }
            // R22: the earlier codes still win
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", null));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.updateStage(project, "s", "blue", "latest"));
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.deleteStage(project, "s", SYSCURRENT));
            assertRefused(ErrorCode.BUILT_IN_STAGE, () -> manager.updateStage(project, "s", SYSPREVIOUS, "v1"));
            // readable: stages and metadata
            assertEquals("v2", holder("s", "blue"));
            assertEquals("v3", holder("s", SYSCURRENT));
            assertEquals(List.of("v1", "v2", "v3"), ids("s"));
            assertEquals(List.of(SYSCURRENT, SYSPREVIOUS, "blue"),
                    manager.listStages(project, "s").stream().map(Stage::name).toList());
            assertEquals(SecretState.PENDING_DELETION, manager.getSecret(project, "s").state());
            assertEquals(before, state("s"));
            assertEquals(stored, stored("s"), "nothing changed in the store");
        }

        @Test
        void r8_restoreBringsEverythingBack_andOnAnEnabledSecretChangesNothing() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            String before = state("s");
            SecretMetadata scheduled = manager.scheduleDeletion(project, "s", 10);
            clock.set(scheduled.deletionTime().orElseThrow().minusMillis(1)); // the last instant of the window
            SecretMetadata restored = manager.restoreSecret(project, "s");
            assertEquals(new SecretMetadata("s", SecretState.ENABLED, START, Optional.empty()), restored);
            assertEquals(restored, manager.getSecret(project, "s"));
            assertEquals(before, state("s"));
            assertEquals(text("initial"), manager.getVersion(project, "s", "v1").value());
            assertEquals(text("2"), manager.getVersionByStage(project, "s", "blue").value());
            assertEquals("v3", manager.putVersion(project, "s", text("3")).id());
            long revision = stored("s").orElseThrow().revision();
            assertEquals(restored, manager.restoreSecret(project, "s"), "restoring an enabled secret: a no-op");
            assertEquals(revision, stored("s").orElseThrow().revision());
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.restoreSecret(project, "nope"));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.restoreSecret(project, "bad name"));
            // the clock moving past the old deletion time does nothing to a restored secret
            clock.advance(Duration.ofDays(60));
            assertEquals(SecretState.ENABLED, manager.getSecret(project, "s").state());
        }

        @Test
        void r8_fromTheDeletionTimeOnTheSecretIsGone_purgedByTheFirstCallThatMeetsIt_nameFree() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            SecretMetadata m = manager.scheduleDeletion(project, "s", 7);
            clock.set(m.deletionTime().orElseThrow().minusMillis(1));
            assertEquals(SecretState.PENDING_DELETION, manager.getSecret(project, "s").state());
            assertEquals("v2", holder("s", "blue"));
            clock.set(m.deletionTime().orElseThrow());
            List<Executable> gone = List.of(
                    () -> manager.getStage(project, "s", "blue"),
                    () -> manager.getSecret(project, "s"),
                    () -> manager.listStages(project, "s"),
                    () -> manager.listVersions(project, "s"),
                    () -> manager.getVersion(project, "s", "latest"),
                    () -> manager.restoreSecret(project, "s"),
                    () -> manager.putVersion(project, "s", text("x")),
                    () -> manager.updateStage(project, "s", "blue", "v1"),
                    () -> manager.deleteSecret(project, "s"),
                    () -> manager.scheduleDeletion(project, "s"));
            for (Executable call : gone) {
                assertRefused(ErrorCode.SECRET_NOT_FOUND, call);
            }
            assertTrue(stored("s").isEmpty(), "removed from the store by the first call that met it");
            assertEquals("v1", manager.createSecret(project, "s", text("again")).id(), "a new secret (R4)");
            assertEquals(new SecretMetadata("s", SecretState.ENABLED, clock.instant(), Optional.empty()),
                    manager.getSecret(project, "s"));
        }

        @Test
        void r8_getStageAloneAlsoSeesTheDeletionTime_andCreateFreesAnExpiredName() {
            create("s");
            create("t");
            manager.scheduleDeletion(project, "s", 7);
            manager.scheduleDeletion(project, "t", 7);
            clock.advance(Duration.ofDays(7));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getStage(project, "s", SYSCURRENT));
            assertTrue(stored("s").isEmpty());
            assertEquals("v1", manager.createSecret(project, "t", text("new")).id(), "no read needed first");
            assertEquals(List.of("v1"), ids("t"));
            assertEquals(text("new"), manager.getVersion(project, "t", "latest").value());
        }

        @Test
        void r8_purgeExpiredRemovesExactlyTheSecretsPastTheirWindow_inEveryProject_withEvents() {
            // A clock long before every other test's, so that shared storage holds nothing else due.
            clock.set(Instant.parse("2001-01-01T00:00:00Z"));
            List<io.secretstages.StageEvent> events = new ArrayList<>();
            StageManager m = configure(StageManager.builder().repository(repository).clock(clock))
                    .listener(events::add).build();
            String other = newProjectId();
            for (String name : List.of("a", "b", "c", "d")) {
                m.createSecret(project, name, text(name));
            }
            m.createSecret(other, "a", text("other"));
            m.scheduleDeletion(project, "a", 7);
            m.scheduleDeletion(project, "b", 8);
            m.scheduleDeletion(project, "d", 7);
            m.restoreSecret(project, "d");
            m.scheduleDeletion(other, "a", 7);
            clock.advance(Duration.ofDays(7));
            events.clear();
            assertEquals(2, m.purgeExpired());
            assertTrue(stored("a").isEmpty());
            assertTrue(underlying.load(new io.secretstages.spi.SecretKey(other, "a")).isEmpty());
            assertEquals(List.of("b", "c", "d"), List.of("b", "c", "d").stream()
                    .filter(n -> stored(n).isPresent()).toList(), "b is within its window, c and d enabled");
            assertEquals(Set.of(project + "/a", other + "/a"), events.stream()
                    .map(e -> e.projectId() + "/" + e.secretName()).collect(Collectors.toSet()));
            assertTrue(events.stream().allMatch(e -> e.operation() == io.secretstages.StageEvent.Operation.PURGE_SECRET
                    && e.versionsEvicted().equals(List.of("v1"))));
            assertEquals(0, m.purgeExpired());
            clock.advance(Duration.ofDays(1));
            assertEquals(1, m.purgeExpired());
            assertTrue(stored("b").isEmpty());
        }

        @Test
        void r8_purgeExpiredWorksThroughMoreSecretsThanOneBatch() {
            clock.set(Instant.parse("2002-01-01T00:00:00Z"));
            int n = 230;
            for (int i = 0; i < n; i++) {
                manager.createSecret(project, "s" + i, text("x"));
                manager.scheduleDeletion(project, "s" + i, 7 + i % 24);
            }
            create("kept");
            clock.advance(Duration.ofDays(31));
            assertEquals(n, manager.purgeExpired());
            assertEquals(List.of("kept"), manager.listSecrets(project).secrets().stream()
                    .map(SecretMetadata::name).toList());
        }

        @Test
        void r8_lifecycleChangesAreEvents() {
            List<io.secretstages.StageEvent> events = new ArrayList<>();
            StageManager m = configure(StageManager.builder().repository(repository).clock(clock))
                    .listener(events::add).build();
            m.createSecret(project, "s", text("1"));
            m.scheduleDeletion(project, "s", 7);
            m.restoreSecret(project, "s");
            m.restoreSecret(project, "s");
            tick();
            m.scheduleDeletion(project, "s", 7);
            clock.advance(Duration.ofDays(7));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> m.getSecret(project, "s"));
            assertEquals(List.of("CREATE_SECRET", "SCHEDULE_DELETION", "RESTORE_SECRET", "SCHEDULE_DELETION",
                    "PURGE_SECRET"), events.stream().map(e -> e.operation().name()).toList(),
                    "no event for the no-op restore; the lazy purge is one");
            assertEquals(List.of("v1"), events.get(4).versionsEvicted());
        }

        @Test
        void r8_storeFailuresWhileSchedulingOrRestoringChangeNothing() {
            create("s");
            String before = state("s");
            repository.failWrites(true);
            StageException e = assertRefused(ErrorCode.STORE_FAILURE, () -> manager.scheduleDeletion(project, "s"));
            assertNotNull(e.getCause());
            repository.failWrites(false);
            assertEquals(SecretState.ENABLED, manager.getSecret(project, "s").state());
            assertEquals(before, state("s"));
            manager.scheduleDeletion(project, "s");
            repository.failWrites(true);
            assertRefused(ErrorCode.STORE_FAILURE, () -> manager.restoreSecret(project, "s"));
            repository.failWrites(false);
            assertEquals(SecretState.PENDING_DELETION, manager.getSecret(project, "s").state());
            repository.failReads(true);
            assertRefused(ErrorCode.STORE_FAILURE, () -> manager.listSecrets(project));
            assertRefused(ErrorCode.STORE_FAILURE, () -> manager.purgeExpired());
            repository.failReads(false);
        }

        @Test
        void r8_r21_schedulesAndRestoresRaceWithWriters_everyPutIsAppliedWholeOrRefused() throws Exception {
            create("s");
            AtomicLong puts = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong cycles = new AtomicLong();
            Workers.run(4, 60, Duration.ofMinutes(5), t -> t == 0 ? () -> {
                assertEquals(SecretState.PENDING_DELETION, manager.scheduleDeletion(project, "s", 7).state());
                assertEquals(SecretState.ENABLED, manager.restoreSecret(project, "s").state());
                cycles.incrementAndGet();
            } : () -> {
                try {
                    manager.putVersion(project, "s", text("x"));
                    puts.incrementAndGet();
                } catch (StageException e) {
                    assertEquals(ErrorCode.SECRET_PENDING_DELETION, e.code(), e::toString);
                    refused.incrementAndGet();
                }
            });
            assertEquals(SecretState.ENABLED, manager.getSecret(project, "s").state());
            Invariants.checkQuiescent(manager, project, "s");
            List<String> ids = ids("s");
            assertEquals("v" + (puts.get() + 1), ids.get(ids.size() - 1),
                    "every acknowledged put is there, no refused one: " + puts + " puts, " + refused + " refused, "
                            + cycles + " schedule/restore cycles");
        }

        @Test
        void r8_aPurgeNeverRemovesASecretRestoredMeanwhile() throws Exception {
            // Two nodes over one store: one restores by its clock, one whose clock is past the deletion time meets
            // the secret (and purges it) at the same moment. Whoever wins, the loser sees the winner's outcome.
            int restoredRounds = 0;
            for (int round = 0; round < 40; round++) {
                String name = "r" + round;
                create(name);
                manager.scheduleDeletion(project, name, 7);
                MutableClock late = new MutableClock(clock.instant().plus(Duration.ofDays(8)));
                StageManager lateNode = StageManager.builder().repository(repository).clock(late).build();
                java.util.concurrent.atomic.AtomicBoolean restored = new java.util.concurrent.atomic.AtomicBoolean();
                Workers.run(2, 1, Duration.ofMinutes(1), t -> t == 0 ? () -> {
                    try {
                        assertEquals(SecretState.ENABLED, manager.restoreSecret(project, name).state());
                        restored.set(true);
                    } catch (StageException e) {
                        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code(), e::toString);
                    }
                } : () -> {
                    try {
                        lateNode.getSecret(project, name);
                    } catch (StageException e) {
                        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code(), e::toString);
                    }
                });
                if (restored.get()) {
                    restoredRounds++;
                    assertEquals(SecretState.ENABLED, manager.getSecret(project, name).state(), "round " + round);
                    assertEquals(SecretState.ENABLED, lateNode.getSecret(project, name).state(), "round " + round);
                    assertEquals(text("initial"), lateNode.getVersion(project, name, "v1").value());
                } else {
                    assertTrue(stored(name).isEmpty(), "round " + round + ": purged");
                    assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getSecret(project, name));
                }
            }
            System.out.printf("purge vs restore: %d of 40 rounds restored first%n", restoredRounds);
        }
    }

    @Nested
    @DisplayName("secrets listing with marker and limit")
    class SecretsListing {
        private List<String> names(SecretPage page) {
            return page.secrets().stream().map(SecretMetadata::name).toList();
        }

        @Test
        void listsInStringOrderPageByPage() {
            List<String> created = List.of("b", "B", "a", "A-1", "a_b", "Z", "0", "-x", "_y", "zz", "a-");
            for (String n : created) {
                create(n);
            }
            List<String> sorted = created.stream().sorted().toList();
            assertEquals(sorted, names(manager.listSecrets(project)));
            assertEquals(Optional.empty(), manager.listSecrets(project).nextMarker());
            for (int limit = 1; limit <= created.size() + 1; limit++) {
                List<String> seen = new ArrayList<>();
                String marker = null;
                int pages = 0;
                while (true) {
                    SecretPage page = manager.listSecrets(project, marker, limit);
                    assertTrue(page.secrets().size() <= limit);
                    seen.addAll(names(page));
                    pages++;
                    if (page.nextMarker().isEmpty()) {
                        break;
                    }
                    assertEquals(limit, page.secrets().size(), "only the last page is short");
                    marker = page.nextMarker().get();
                    assertEquals(seen.get(seen.size() - 1), marker);
                }
                assertEquals(sorted, seen, "limit " + limit);
                assertEquals((created.size() + limit - 1) / limit, pages, "no empty last page, limit " + limit);
            }
            assertEquals(List.of("a_b", "b", "zz"), names(manager.listSecrets(project, "a_a", 3)),
                    "a marker need not exist");
            assertEquals(List.of(), names(manager.listSecrets(project, "zz", 3)));
            SecretMetadata first = manager.listSecrets(project, null, 1).secrets().get(0);
            assertEquals(new SecretMetadata("-x", SecretState.ENABLED, START, Optional.empty()), first);
        }

        @Test
        void defaultPageIsFifty_limitIsOneToAThousand_badArgumentsNeverReachTheStore() {
            for (int i = 0; i < 51; i++) {
                create(String.format("s%02d", i));
            }
            SecretPage page = manager.listSecrets(project);
            assertEquals(50, page.secrets().size());
            assertEquals(Optional.of("s49"), page.nextMarker());
            assertEquals(List.of("s50"), names(manager.listSecrets(project, "s49", 1000)));
            int calls = repository.calls();
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, null, 0));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, null, 1001));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, null, -1));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, "", 10));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, "bad name", 10));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, "x".repeat(65), 10));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(project, "a' OR '1'='1", 10));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets(null));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.listSecrets("p/1"));
            assertEquals(calls, repository.calls(), "refused before any store call (R5)");
        }

        @Test
        void pendingSecretsAreListedWithTheirState_expiredOnesAreNot_projectsAreDisjoint() {
            String other = newProjectId();
            create("a");
            create("b");
            create("c");
            manager.createSecret(other, "a", text("other"));
            manager.createSecret(other, "z", text("other"));
            SecretMetadata b = manager.scheduleDeletion(project, "b", 7);
            manager.scheduleDeletion(project, "c", 8);
            assertEquals(List.of(manager.getSecret(project, "a"), b, manager.getSecret(project, "c")),
                    manager.listSecrets(project).secrets());
            assertEquals(List.of("a", "z"), names(manager.listSecrets(other)));
            assertEquals(List.of(), names(manager.listSecrets(newProjectId())));
            clock.advance(Duration.ofDays(7));
            assertEquals(List.of("a", "c"), names(manager.listSecrets(project)), "b is past its deletion time");
            assertEquals(List.of("c"), names(manager.listSecrets(project, "a", 1)));
            assertEquals(Optional.empty(), manager.listSecrets(project, "a", 1).nextMarker());
        }
    }
}
