package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.secretstages.Stages.SYSCURRENT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): names and identifiers (R1-R5),
 * secrets (R6-R8), tenant isolation (R1), description and version expiry (R23, R24), through a manager.
 */
public abstract class SecretRuleContract extends SpiContract {
    /** For the next part of the kit. */
    protected SecretRuleContract() {
    }

    @Nested
    @DisplayName("R1-R5 names and identifiers")
    class NamesAndIdentifiers {
        @Test
        void r1_projectIdAcceptsOneTo64CharactersOfTheAlphabet() {
            for (String p : List.of("a", "A-_9", project + "-" + "x".repeat(64 - project.length() - 1))) {
                manager.createSecret(p, "s", text("v"));
                assertEquals("v1", manager.getVersion(p, "s", "latest").id());
            }
        }

        @Test
        void r1_projectsAreDisjointNamespaces() {
            String other = newProjectId();
            manager.createSecret(project, "db", text("one"));
            manager.createSecret(other, "db", text("two"));
            manager.putVersion(project, "db", text("three"), Set.of("blue"));
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(other, "db", "blue"));
            assertEquals(List.of("v1"), manager.listVersions(other, "db").stream().map(VersionMetadata::id).toList());
            manager.deleteSecret(other, "db");
            assertEquals("v2", manager.getStage(project, "db", "blue").versionId());
        }

        @Test
        void r2_secretNamesAreCaseSensitive() {
            manager.createSecret(project, "Db", text("upper"));
            manager.createSecret(project, "db", text("lower"));
            assertEquals(text("upper"), manager.getVersion(project, "Db", "v1").value());
            assertEquals(text("lower"), manager.getVersion(project, "db", "v1").value());
        }

        @Test
        void r3_stageNamesAreCaseSensitive_syscurrentInLowerCaseIsCustom() {
            create("s");
            manager.putVersion(project, "s", text("x"), Set.of("syscurrent"));
            assertEquals("v1", holder("s", SYSCURRENT));
            assertEquals("v2", holder("s", "syscurrent"));
            manager.deleteStage(project, "s", "syscurrent");
            assertRefused(ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(project, "s", "syscurrent"));
        }

        @Test
        void r4_idsAreIssuedInOrderAndNeverReused() {
            create("s");
            for (int i = 2; i <= 30; i++) {
                assertEquals("v" + i, manager.putVersion(project, "s", text("x" + i)).id());
            }
            assertEquals("v11", ids("s").get(0), "v1-v10 were removed by R15");
            assertEquals("v31", manager.putVersion(project, "s", text("y")).id(), "removed ids are not reused");
            manager.deleteSecret(project, "s");
            assertEquals("v1", create("s").id(), "a secret created again is a new secret");
        }

        @Test
        void r4_wellFormedButUnissuedIdsAreVersionNotFound() {
            create("s");
            for (String id : List.of("v0", "v01", "v2", "v99999999999999999999", "v" + "9".repeat(63),
                    "v9223372036854775807", "v9223372036854775808")) {
                assertRefused(ErrorCode.VERSION_NOT_FOUND, () -> manager.getVersion(project, "s", id));
                assertRefused(ErrorCode.VERSION_NOT_FOUND, () -> manager.updateStage(project, "s", "blue", id));
            }
        }

        @Test
        void r4_malformedIdsAndLatestOutsideReadsAreInvalid() {
            create("s");
            for (String id : Arrays.asList(null, "", "v", "1", "V1", "v-1", "v1 ", "v" + "9".repeat(64), "latest", "LATEST")) {
                assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.updateStage(project, "s", "blue", id));
                assertRefused(ErrorCode.INVALID_PARAMETER,
                        () -> manager.updateStage(project, "s", "blue", "v1", id == null ? null : Optional.of(id)));
                if (!"latest".equals(id)) {
                    assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.getVersion(project, "s", id));
                }
            }
        }

        @Test
        void r5_badInputIsRefusedBeforeAnyStoreCallAndChangesNothing() {
            create("s");
            manager.putVersion(project, "s", text("two"), Set.of("blue"));
            String before = state("s");
            int calls = repository.calls();
            List<String> badNames = Arrays.asList(null, "", "x".repeat(65), "a b", "a/b", "a.b", "ä", "a\u0000",
                    "a\n", "'; DROP TABLE secrets; --", "../etc", "\u202Eabc", "\ud800");
            SecretValue ok = text("value");
            for (String bad : badNames) {
                List<Executable> calls0 = List.of(
                        () -> manager.createSecret(bad, "s", ok),
                        () -> manager.createSecret(project, bad, ok),
                        () -> manager.deleteSecret(bad, "s"),
                        () -> manager.deleteSecret(project, bad),
                        () -> manager.putVersion(project, bad, ok),
                        () -> manager.putVersion(bad, "s", ok, Set.of("blue")),
                        () -> manager.putVersion(project, "s", ok, new HashSet<>(Arrays.asList("blue", bad))),
                        () -> manager.getVersion(project, bad, "v1"),
                        () -> manager.getVersion(project, "s", bad),
                        () -> manager.getVersionByStage(project, "s", bad),
                        () -> manager.listVersions(bad, "s"),
                        () -> manager.getStage(project, "s", bad),
                        () -> manager.updateStage(project, "s", bad, "v1"),
                        () -> manager.updateStage(project, "s", "blue", bad),
                        () -> manager.updateStage(project, "s", "blue", "v1", bad == null ? null : Optional.of(bad)),
                        () -> manager.deleteStage(project, "s", bad),
                        () -> manager.listStages(project, bad));
                for (Executable call : calls0) {
                    assertRefused(ErrorCode.INVALID_PARAMETER, call);
                }
            }
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.createSecret(project, "t", null));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", null));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", ok, null));
            assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.updateStage(project, "s", "blue", "v1", null));
            assertEquals(calls, repository.calls(), "R5: no store call for bad input");
            assertEquals(before, state("s"), "R5: nothing changed");
        }
    }

    @Nested
    @DisplayName("R6-R8 secrets")
    class Secrets {
        @Test
        void r6_createStoresV1HoldingSyscurrent() {
            clock.set(Instant.parse("2026-03-04T05:06:07.891Z"));
            SecretVersion v1 = manager.createSecret(project, "db", text("pw"));
            assertEquals("v1", v1.id());
            assertEquals(Set.of(SYSCURRENT), v1.stages());
            assertEquals("db", v1.metadata().secretName());
            assertEquals(clock.instant(), v1.metadata().createTime());
            assertEquals(text("pw"), v1.value());
            assertEquals(List.of(new Stage(SYSCURRENT, "db", "v1", clock.instant())), manager.listStages(project, "db"));
        }

        @Test
        void r6_secondSecretWithTheSameNameIsRefused() {
            create("db");
            tick();
            String before = state("db");
            assertRefused(ErrorCode.SECRET_ALREADY_EXISTS, () -> manager.createSecret(project, "db", text("other")));
            assertEquals(before, state("db"));
            assertEquals(text("initial"), manager.getVersion(project, "db", "v1").value());
        }

        @Test
        void r7_valuesRoundTripExactly() {
            byte[] all = new byte[256];
            for (int i = 0; i < all.length; i++) {
                all[i] = (byte) i;
            }
            List<SecretValue> values = List.of(text(""), text("h\u00e9llo \ud83d\udd11 \u202e \u0000 end"),
                    text("\u00e9".repeat(16 * 1024)), SecretValue.ofBinary(new byte[0]), SecretValue.ofBinary(all),
                    SecretValue.ofBinary(new byte[32 * 1024]), text("x".repeat(32 * 1024)));
            create("s");
            for (SecretValue v : values) {
                SecretVersion put = manager.putVersion(project, "s", v);
                SecretVersion read = manager.getVersion(project, "s", put.id());
                assertEquals(v, read.value());
                assertEquals(v.string().isPresent(), read.value().string().isPresent(), "kind is kept");
                v.binary().ifPresent(b -> assertArrayEquals(b, read.value().binary().orElseThrow()));
            }
        }

        @Test
        void r7_binaryValuesAreCopiedInAndOut() {
            byte[] input = {1, 2, 3};
            SecretValue value = SecretValue.ofBinary(input);
            input[0] = 9;
            manager.createSecret(project, "s", value);
            byte[] out = manager.getVersion(project, "s", "v1").value().binary().orElseThrow();
            out[1] = 9;
            assertArrayEquals(new byte[]{1, 2, 3}, manager.getVersion(project, "s", "v1").value().binary().orElseThrow());
        }

        @Test
        void r7_oversizeNullAndMalformedValuesAreInvalid() {
            create("s");
            String before = state("s");
            for (SecretValue bad : Arrays.asList(null, SecretValue.ofBinary(new byte[32 * 1024 + 1]),
                    text("x".repeat(32 * 1024 + 1)), text("\u00e9".repeat(16 * 1024) + "x"), text("lone \ud800"),
                    text("\udc00 first"))) {
                assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.putVersion(project, "s", bad));
                assertRefused(ErrorCode.INVALID_PARAMETER, () -> manager.createSecret(project, "t", bad));
            }
            assertEquals(before, state("s"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.listVersions(project, "t"));
        }

        @Test
        void r7_valuesNeverShowInToString() {
            SecretVersion v = manager.createSecret(project, "s", text("hunter2-secret"));
            assertFalse(v.toString().contains("hunter2"), v.toString());
            assertFalse(manager.getVersion(project, "s", "latest").toString().contains("hunter2"));
            assertFalse(SecretValue.ofBinary("hunter2".getBytes()).toString().contains("hunter2"));
        }

        @Test
        void r8_deleteRemovesTheSecretWithAllVersionsAndStages() {
            create("s");
            manager.putVersion(project, "s", text("2"), Set.of("blue", SYSCURRENT));
            manager.deleteSecret(project, "s");
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getStage(project, "s", "blue"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.getVersion(project, "s", "v1"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.listStages(project, "s"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.deleteSecret(project, "s"));
            assertRefused(ErrorCode.SECRET_NOT_FOUND, () -> manager.putVersion(project, "s", text("x")));
            SecretVersion again = manager.createSecret(project, "s", text("new"));
            assertEquals("v1", again.id());
            assertEquals(List.of("v1"), ids("s"));
            assertEquals(List.of(SYSCURRENT), manager.listStages(project, "s").stream().map(Stage::name).toList());
        }
    }

    @Nested
    @DisplayName("R1 tenant isolation (QuickTheories)")
    class TenantIsolation {
        @Test
        void r1_operationsInOneProjectNeitherSeeNorChangeAnotherWithTheSameNames() {
            qt().withExamples(Math.max(20, statefulExamples() / 5)).withShrinkCycles(100)
                    .forAll(lists().of(ModelCommands.commands()).ofSizeBetween(1, 40))
                    .checkAssert(commands -> {
                        ModelCommands.Harness alone = harness();
                        ModelCommands.Harness beside = harness();
                        // The neighbour project p2 holds secrets of the same names, with its own stages.
                        String neighbour = beside.physical("p2");
                        for (String secret : List.of("a", "b", "A")) {
                            beside.manager.createSecret(neighbour, secret, text("neighbour"));
                            beside.manager.putVersion(neighbour, secret, text("n2"), Set.of("blue", "green"));
                            beside.manager.putVersion(neighbour, secret, text("n3"));
                        }
                        String neighbourBefore = neighbour(beside.observe());
                        for (ModelCommands.Cmd c : commands) {
                            ModelCommands.Cmd inP1 = c.inProject("p1");
                            inP1.run(alone);
                            inP1.run(beside);
                            assertEquals(alone.lastOutcome(), beside.lastOutcome(), () -> "R1: outcome depends on p2: " + inP1);
                        }
                        assertEquals(neighbourBefore, neighbour(beside.observe()), "R1: p2 changed");
                    });
        }

        private ModelCommands.Harness harness() {
            MutableClock c = new MutableClock(START);
            StageManager m = configure(StageManager.builder().repository(newRepository()).clock(c)).build();
            return new ModelCommands.Harness(m, c, newProjectId() + "-");
        }

        private String neighbour(ReferenceModel observed) {
            return observed.secrets.subMap("p2/", "p2/\uffff").toString();
        }
    }

    @Nested
    @DisplayName("R23 description and R24 version expiry time")
    class DescriptionAndExpiry {
        private final Instant expiry = Instant.ofEpochMilli(9_999_999_999_999L);

        private void write() {
            manager.createSecret(project, "d", text("one"), "Ünïcode description, " + "x".repeat(2000));
            manager.createSecret(project, "e", text("one"));
            manager.updateDescription(project, "e", "changed later");
            manager.putVersion(project, "d", text("two"), Set.of("SYSCURRENT"), Optional.empty(),
                    Optional.of(expiry));
            manager.updateVersionExpiry(project, "d", "v1", Optional.of(Instant.EPOCH));
        }

        private void assertReadBack(StageManager m) {
            assertEquals("Ünïcode description, " + "x".repeat(2000), m.getSecret(project, "d").description());
            assertEquals(List.of("Ünïcode description, " + "x".repeat(2000), "changed later"),
                    m.listSecrets(project).secrets().stream().map(SecretMetadata::description).toList());
            assertEquals(List.of(Optional.of(Instant.EPOCH), Optional.of(expiry)),
                    m.listVersions(project, "d").stream().map(VersionMetadata::expireTime).toList());
            assertEquals(Optional.of(expiry), m.getVersion(project, "d", "latest").metadata().expireTime());
            assertEquals(Optional.empty(), m.getVersion(project, "e", "v1").metadata().expireTime());
        }

        @Test
        void bothAreStoredAndReadBackFromTheStore() {
            write();
            assertReadBack(StageManager.builder().repository(repository).clock(clock).writeCacheSize(0).build());
            assertEquals(Optional.empty(),
                    manager.updateVersionExpiry(project, "d", "v2", Optional.empty()).expireTime());
            assertEquals("", manager.updateDescription(project, "e", "").description());
            StageManager fresh = StageManager.builder().repository(repository).clock(clock).writeCacheSize(0).build();
            assertEquals(Optional.empty(), fresh.getVersion(project, "d", "v2").metadata().expireTime());
            assertEquals("", fresh.getSecret(project, "e").description());
        }

        @Test
        void bothSurviveAReloadThroughASecondRepository() {
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            if (second == null) {
                return; // no shared storage
            }
            write();
            assertReadBack(StageManager.builder().repository(second).clock(clock).writeCacheSize(0).build());
        }
    }
}
