package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRead;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.maps;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): the SPI called directly (revision checks, atomic
 * apply, guarded deletes and rewrites, listing) and store failures seen through a manager.
 */
public abstract class SpiContract extends ContractFixture {
    /** For the next part of the kit. */
    protected SpiContract() {
    }

    @Nested
    @DisplayName("SPI: the store called directly")
    class Spi {
        @Test
        void createAppliesOnceAndLoadReturnsTheResultAtTheReturnedRevision() {
            SecretChange create = createChange("s", "one");
            OptionalLong revision = underlying.apply(create);
            assertTrue(revision.isPresent() && revision.getAsLong() > 0, "a positive revision");
            assertHolds(underlying, create, revision.getAsLong());
            assertEquals(OptionalLong.empty(), underlying.apply(createChange("s", "other")), "exists: lost race");
            assertHolds(underlying, create, revision.getAsLong());
            SecretSnapshot s = underlying.load(create.key()).orElseThrow();
            assertEquals(Optional.of(text("one")), underlying.loadValue(s, 1));
        }

        @Test
        void loadVersionReadsTheSecretOneVersionItsStagesAndItsValueTogether_byIdByStageLatestAndMissing() {
            SecretSnapshot base = createdThroughSpi("s");
            underlying.apply(putChange(base, 2, "two")).orElseThrow(); // v2 SYSCURRENT, v1 SYSPREVIOUS
            SecretKey key = base.key();
            SecretSnapshot now = underlying.load(key).orElseThrow();
            VersionRead byId = underlying.loadVersion(key, null, 1).orElseThrow();
            assertEquals(now.record(), byId.secret(), "the secret's own record, at the snapshot's revision");
            assertEquals(now.version(1).orElseThrow(), byId.version());
            assertEquals(Set.of(SYSPREVIOUS), byId.stages(), "the stages that version holds");
            assertEquals(text("one"), byId.value(), "the value of the version asked for");
            VersionRead latest = underlying.loadVersion(key, SYSCURRENT, 0).orElseThrow();
            assertEquals(now.record(), latest.secret());
            assertEquals(2, latest.version().number(), "latest: the SYSCURRENT holder");
            assertEquals(Set.of(SYSCURRENT), latest.stages());
            assertEquals(text("two"), latest.value());
            VersionRead previous = underlying.loadVersion(key, SYSPREVIOUS, 0).orElseThrow();
            assertEquals(1, previous.version().number());
            assertEquals(text("one"), previous.value());
            VersionRead missing = underlying.loadVersion(key, null, 9).orElseThrow();
            assertEquals(now.record(), missing.secret(), "no such version: the secret still comes");
            assertNull(missing.version());
            assertEquals(Set.of(), missing.stages());
            assertNull(missing.value());
            VersionRead unheld = underlying.loadVersion(key, "blue", 0).orElseThrow();
            assertNull(unheld.version());
            assertNull(unheld.value());
            assertEquals(Optional.empty(), underlying.loadVersion(new SecretKey(project, "absent"), SYSCURRENT, 0));
            for (Object[] read : new Object[][]{{null, 1L}, {null, 2L}, {null, 3L}, {SYSCURRENT, 0L}, {SYSPREVIOUS, 0L},
                    {"blue", 0L}}) {
                String stage = (String) read[0];
                long number = (Long) read[1];
                assertEquals(VersionRead.in(now, stage, number, n -> underlying.loadValue(now, n)),
                        underlying.loadVersion(key, stage, number).orElseThrow(),
                        "the reference semantics over the snapshot, for " + stage + "/" + number);
            }
        }

        @Test
        void loadVersionNamesEveryStageTheVersionHolds() {
            SecretSnapshot base = createdThroughSpi("s");
            underlying.apply(putChange(base, 2, "two")).orElseThrow();
            SecretSnapshot now = underlying.load(base.key()).orElseThrow();
            Instant at = T0.plusSeconds(5);
            underlying.apply(SecretChange.from(now).attachStages(List.of(new StageRecord("blue", 2, at),
                    new StageRecord("green", 2, at), new StageRecord("b-0_1", 1, at))).build()).orElseThrow();
            VersionRead latest = underlying.loadVersion(base.key(), SYSCURRENT, 0).orElseThrow();
            assertEquals(Set.of(SYSCURRENT, "blue", "green"), latest.stages());
            assertEquals(text("two"), latest.value());
            VersionRead byStage = underlying.loadVersion(base.key(), "b-0_1", 0).orElseThrow();
            assertEquals(1, byStage.version().number());
            assertEquals(Set.of(SYSPREVIOUS, "b-0_1"), byStage.stages());
        }

        @Test
        void applyAtAStaleRevisionIsALostRaceAndChangesNothing() {
            SecretSnapshot base = createdThroughSpi("s");
            SecretChange first = putChange(base, 2, "two");
            OptionalLong r2 = underlying.apply(first);
            assertTrue(r2.isPresent());
            assertNotEquals(base.revision(), r2.getAsLong(), "the revision changes with every change");
            assertEquals(OptionalLong.empty(), underlying.apply(putChange(base, 3, "three")), "stale base");
            assertEquals(OptionalLong.empty(), underlying.apply(SecretChange.from(base)
                    .detachStages(Set.of(SYSCURRENT)).attachStages(List.of()).build()), "stale stage-only change");
            assertEquals(OptionalLong.empty(), underlying.apply(SecretChange.from(base)
                    .deletionTime(T0.plusSeconds(60)).build()), "stale deletion time");
            assertHolds(underlying, first, r2.getAsLong());
            SecretSnapshot now = underlying.load(base.key()).orElseThrow();
            assertEquals(Optional.empty(), underlying.loadValue(now, 3), "the stale version was not written");
            assertTrue(underlying.apply(putChange(now, 3, "three")).isPresent(), "the current base applies");
        }

        @Test
        void aChangeIsAppliedWhole_versionsStagesAndTheSecretRow() {
            SecretSnapshot s = createdThroughSpi("s");
            for (long n = 2; n <= 4; n++) {
                SecretChange put = putChange(s, n, "v" + n);
                underlying.apply(put).orElseThrow();
                s = underlying.load(s.key()).orElseThrow();
            }
            // one change: add v5 with a custom stage, remove v1 and v2 (no stage), detach nothing, move SYSCURRENT
            Instant t = T0.plusSeconds(5);
            SecretChange big = SecretChange.from(s)
                    .addVersion(new NewVersion(5, t, text("five"), "token-5"))
                    .removeVersions(Set.of(1L, 2L))
                    .attachStages(List.of(new StageRecord("blue", 5, t), new StageRecord(SYSCURRENT, 5, t),
                            new StageRecord(SYSPREVIOUS, 4, t)))
                    .deletionTime(t.plusSeconds(3600))
                    .build();
            long revision = underlying.apply(big).orElseThrow();
            assertHolds(underlying, big, revision);
            SecretSnapshot after = underlying.load(s.key()).orElseThrow();
            assertEquals(Optional.empty(), underlying.loadValue(after, 1), "removed with its version");
            assertEquals(Optional.empty(), underlying.loadValue(after, 2));
            assertEquals(Optional.of(text("v3")), underlying.loadValue(after, 3));
            assertEquals(Optional.of(text("five")), underlying.loadValue(after, 5));
            SecretChange restore = SecretChange.from(after).deletionTime(null).detachStages(Set.of("blue")).build();
            assertHolds(underlying, restore, underlying.apply(restore).orElseThrow());
        }

        @Test
        void exactlyOneOfManyChangesRacingFromOneBaseApplies() throws Exception {
            SecretSnapshot base = createdThroughSpi("s");
            int racers = 4;
            CyclicBarrier go = new CyclicBarrier(racers);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<OptionalLong>> results = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    String stage = "s" + i;
                    results.add(pool.submit(() -> {
                        go.await(30, TimeUnit.SECONDS);
                        return underlying.apply(SecretChange.from(base)
                                .attachStages(List.of(new StageRecord(stage, 1, T0))).build());
                    }));
                }
                int won = 0;
                for (Future<OptionalLong> f : results) {
                    won += f.get(60, TimeUnit.SECONDS).isPresent() ? 1 : 0;
                }
                assertEquals(1, won);
                assertEquals(2, underlying.load(base.key()).orElseThrow().stages().size(), "SYSCURRENT and one");
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void deleteIsGuardedByTheBaseRevisionAndTakesTheValues() {
            SecretSnapshot base = createdThroughSpi("s");
            underlying.apply(putChange(base, 2, "two")).orElseThrow();
            assertFalse(underlying.delete(base), "stale base");
            SecretSnapshot now = underlying.load(base.key()).orElseThrow();
            assertTrue(underlying.delete(now));
            assertEquals(Optional.empty(), underlying.load(base.key()));
            assertEquals(Optional.empty(), underlying.loadValue(now, 2));
            assertFalse(underlying.delete(now), "absent");
            assertTrue(underlying.apply(createChange("s", "again")).isPresent(), "the name is free");
            assertEquals(Optional.of(text("again")),
                    underlying.loadValue(underlying.load(base.key()).orElseThrow(), 1));
        }

        /**
         * A secret deleted and created again under its name never meets a revision of the one before (the SPI's
         * revision rule): a write planned on the old secret's snapshot, as a manager's cached one would be, loses its
         * race instead of applying to the new secret, however many changes the new one has had.
         */
        @Test
        void aSecretCreatedAgainNeverMeetsARevisionOfTheOneBefore() {
            SecretSnapshot first = createdThroughSpi("s");
            underlying.apply(putChange(first, 2, "two")).orElseThrow();
            SecretSnapshot old = underlying.load(first.key()).orElseThrow();
            underlying.apply(putChange(old, 3, "three")).orElseThrow();
            SecretSnapshot last = underlying.load(first.key()).orElseThrow();
            assertTrue(underlying.delete(last));
            SecretChange again = SecretChange.creating(first.key(), new NewVersion(1, T0.plusSeconds(1), text("b1")))
                    .attachStages(List.of(new StageRecord(SYSCURRENT, 1, T0.plusSeconds(1)))).build();
            assertTrue(underlying.apply(again).isPresent());
            Set<Long> seen = new HashSet<>();
            for (int n = 2; n <= 4; n++) { // the new secret passes through as many revisions as the old one had
                SecretSnapshot now = underlying.load(first.key()).orElseThrow();
                seen.add(now.revision());
                underlying.apply(putChange(now, n, "b" + n)).orElseThrow();
            }
            SecretSnapshot current = underlying.load(first.key()).orElseThrow();
            seen.add(current.revision());
            assertFalse(seen.contains(old.revision()) || seen.contains(last.revision()),
                    "the new secret reached a revision of the one before: " + seen + " against " + old.revision()
                            + ", " + last.revision());
            assertEquals(OptionalLong.empty(), underlying.apply(putChange(old, 3, "stale")), "planned on the old one");
            assertFalse(underlying.delete(old));
            assertEquals(OptionalLong.empty(), underlying.rewriteValues(old, Map.of(1L, text("stale"))));
            assertEquals(Optional.of(current), underlying.load(first.key()), "the new secret unchanged");
            assertEquals(Optional.of(text("b1")), underlying.loadValue(current, 1));
        }

        /**
         * A value read with the snapshot of a secret that was deleted and created again since is not the new
         * secret's value of the same version number: the two are different secrets (the SPI's {@code loadValue}).
         */
        @Test
        void aValueReadWithTheSnapshotOfASecretCreatedAgainIsNotTheNewSecretsValue() {
            SecretSnapshot old = createdThroughSpi("s");
            assertTrue(underlying.delete(old));
            SecretChange again = SecretChange.creating(old.key(), new NewVersion(1, T0.plusSeconds(1), text("b1")))
                    .attachStages(List.of(new StageRecord(SYSCURRENT, 1, T0.plusSeconds(1)))).build();
            assertTrue(underlying.apply(again).isPresent());
            assertEquals(Optional.empty(), underlying.loadValue(old, 1), "the old secret's v1 is gone");
            assertEquals(Optional.of(text("b1")), underlying.loadValue(underlying.load(old.key()).orElseThrow(), 1));
        }

        @Test
        void rewriteValuesIsGuardedKeepsTheMetadataAndChangesTheRevision() {
            SecretSnapshot base = createdThroughSpi("s");
            long r = underlying.apply(putChange(base, 2, "two")).orElseThrow();
            assertEquals(OptionalLong.empty(), underlying.rewriteValues(base, Map.of(1L, text("ONE"))), "stale");
            SecretSnapshot now = underlying.load(base.key()).orElseThrow();
            OptionalLong rewritten = underlying.rewriteValues(now, Map.of(1L, text("ONE"), 2L, text("TWO")));
            assertTrue(rewritten.isPresent());
            assertNotEquals(r, rewritten.getAsLong());
            SecretSnapshot after = underlying.load(base.key()).orElseThrow();
            assertEquals(now.withRevision(after.revision()), after, "versions, stages and times unchanged");
            assertEquals(Optional.of(text("ONE")), underlying.loadValue(after, 1));
            assertEquals(Optional.of(text("TWO")), underlying.loadValue(after, 2));
            assertEquals(OptionalLong.empty(), underlying.apply(putChange(now, 3, "three")),
                    "a change planned before the rewrite is stale");
            assertThrows(IllegalArgumentException.class, () -> underlying.rewriteValues(after, Map.of()));
            assertThrows(IllegalArgumentException.class,
                    () -> underlying.rewriteValues(after, Map.of(9L, text("x"))));
        }

        @Test
        void listingAndDeletionsDueAtTheSpi() {
            for (String name : List.of("b", "a", "c")) {
                createdThroughSpi(name);
            }
            SecretSnapshot b = underlying.load(new SecretKey(project, "b")).orElseThrow();
            Instant due = T0.plusSeconds(100);
            underlying.apply(SecretChange.from(b).deletionTime(due).build()).orElseThrow();
            List<String> names = new ArrayList<>();
            underlying.listSecrets(project, null, due.minusMillis(1), 10).forEach(r -> names.add(r.key().secretName()));
            assertEquals(List.of("a", "b", "c"), names, "pending deletion, not yet due: listed");
            names.clear();
            underlying.listSecrets(project, "a", due, 10).forEach(r -> names.add(r.key().secretName()));
            assertEquals(List.of("c"), names, "after the marker, and b is due");
            assertTrue(underlying.listDeletionsDue(due.minusMillis(1), 100).stream()
                    .noneMatch(r -> r.key().projectId().equals(project)));
            assertEquals(List.of(new SecretKey(project, "b")), underlying.listDeletionsDue(due, 100).stream()
                    .map(SecretRecord::key).filter(k -> k.projectId().equals(project)).collect(Collectors.toList()));
        }
    }

    /** @return examples of the project-listing property; system property {@code secretstages.listing.examples} */
    protected int projectListingExamples() {
        return Integer.getInteger("secretstages.listing.examples", 50);
    }

    @Nested
    @DisplayName("SPI: listing projects (QuickTheories)")
    class ProjectListing {
        /** Project suffixes from few characters, '-' among them, so that ids are prefixes of each other. */
        private final Gen<String> suffixes = lists().of(integers().between(0, 4).map(i -> "ab-0_".substring(i, i + 1)))
                .ofSizeBetween(1, 3).map(cs -> String.join("", cs));
        /** Per secret of a project: 0 enabled, 1 pending deletion, 2 deleted (as a purge deletes). */
        private final Gen<List<Integer>> secretStates = lists().of(integers().between(0, 2)).ofSizeBetween(1, 3);

        @Test
        void pagesListEveryProjectHoldingASecretOnceAndInOrder_pendingDeletionIncluded_emptiedLeftOut() {
            qt().withExamples(projectListingExamples()).withShrinkCycles(50)
                    .forAll(maps().of(suffixes, secretStates).ofSizeBetween(0, 6), integers().between(1, 4),
                            suffixes)
                    .checkAssert((projects, pageSize, resumeSuffix) -> {
                        String block = newProjectId() + "-"; // keeps examples apart on shared storage
                        List<String> expected = new ArrayList<>();
                        projects.forEach((suffix, states) -> {
                            String id = block + suffix;
                            for (int i = 0; i < states.size(); i++) {
                                String secret = "s" + i;
                                manager.createSecret(id, secret, text("x"));
                                if (states.get(i) == 1) {
                                    manager.scheduleDeletion(id, secret);
                                } else if (states.get(i) == 2) {
                                    manager.deleteSecret(id, secret);
                                }
                            }
                            if (states.contains(0) || states.contains(1)) {
                                expected.add(id);
                            }
                        });
                        expected.sort(String::compareTo);
                        String start = block.substring(0, block.length() - 1);
                        assertEquals(expected, pagedFrom(start, block, pageSize), "paged from the block's start");
                        String resume = block + resumeSuffix; // a position that need not be a project
                        assertEquals(expected.stream().filter(id -> id.compareTo(resume) > 0)
                                .collect(Collectors.toList()), pagedFrom(resume, block, pageSize),
                                "resumed after " + resume);
                    });
        }

        /** Pages from {@code after} while the ids are in {@code block}; checks each page's order. */
        private List<String> pagedFrom(String after, String block, int pageSize) {
            List<String> listed = new ArrayList<>();
            String from = after;
            while (true) {
                List<String> page = underlying.listProjects(from, pageSize);
                assertTrue(page.size() <= pageSize, () -> "at most the limit: " + page);
                String pageAfter = from;
                for (String id : page) {
                    assertTrue(id.compareTo(pageAfter) > 0, () -> "after " + pageAfter + ": " + page);
                    if (!id.startsWith(block)) {
                        return listed; // another test's project: past the block
                    }
                    assertTrue(listed.isEmpty() || id.compareTo(listed.get(listed.size() - 1)) > 0,
                            () -> "ascending, no repeat: " + listed + " then " + id);
                    listed.add(id);
                }
                if (page.size() < pageSize) {
                    return listed;
                }
                from = page.get(page.size() - 1);
            }
        }

        @Test
        void aLimitBelowOneIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> underlying.listProjects(null, 0));
            assertThrows(IllegalArgumentException.class, () -> underlying.listProjects(project, -1));
        }

        @Test
        void fromTheStartListsAProjectJustWrittenAndNotOneEmptied() {
            String emptied = project + "-emptied";
            manager.createSecret(project, "s", text("x"));
            manager.createSecret(emptied, "s", text("x"));
            manager.deleteSecret(emptied, "s");
            List<String> all = new ArrayList<>();
            for (List<String> page = underlying.listProjects(null, 50); ; page = underlying.listProjects(
                    all.get(all.size() - 1), 50)) {
                all.addAll(page);
                if (page.size() < 50) {
                    break;
                }
            }
            assertTrue(all.contains(project), "listed from null");
            assertFalse(all.contains(emptied), "a project whose only secret was deleted is not listed");
            assertEquals(all.stream().sorted().distinct().collect(Collectors.toList()), all, "ascending, once each");
        }
    }

    @Nested
    @DisplayName("store failures")
    class StoreFailures {
        @Test
        void failedWritesAreStoreFailureWithTheCauseAndChangeNothing() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue"));
            String before = state("s");
            repository.failWrites(true);
            List<Executable> writes = List.of(
                    () -> manager.createSecret(project, "t", text("x")),
                    () -> manager.putVersion(project, "s", text("x")),
                    () -> manager.updateStage(project, "s", SYSCURRENT, "v2"),
                    () -> manager.updateStage(project, "s", "blue", "v1", Optional.of("v2")),
                    () -> manager.deleteStage(project, "s", "blue"),
                    () -> manager.deleteSecret(project, "s"));
            for (Executable w : writes) {
                StageException e = assertRefused(ErrorCode.STORE_FAILURE, w);
                assertNotNull(e.getCause());
                assertEquals(500, e.code().httpStatus());
            }
            repository.failWrites(false);
            assertEquals(before, state("s"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.listVersions(project, "t"));
        }

        @Test
        void failedReadsAreStoreFailure() {
            StageManager.builder().repository(repository).clock(clock).build()
                    .createSecret(project, "s", text("written by another manager"));
            repository.failReads(true);
            StageException e = assertRefused(ErrorCode.STORE_FAILURE, () -> manager.getStage(project, "s", SYSCURRENT));
            assertInstanceOf(RuntimeException.class, e.getCause());
            assertRefused(ErrorCode.STORE_FAILURE, () -> manager.getVersion(project, "s", "latest"));
            assertRefused(ErrorCode.STORE_FAILURE, () -> manager.putVersion(project, "s", text("x")));
            repository.failReads(false);
            assertEquals("v1", holder("s", SYSCURRENT));
            assertEquals(List.of("v1"), ids("s"));
        }
    }
}
