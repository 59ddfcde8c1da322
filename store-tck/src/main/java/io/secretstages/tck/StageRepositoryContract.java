package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import io.secretstages.SecretState;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.core.stateful.Sequential;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The contract every {@link StageRepository} must honour, as executable tests through the public API of
 * {@link StageManager}. A store runs the whole kit by extending this class and implementing
 * {@link #newRepository()}; a store over shared storage (a database) also overrides
 * {@link #anotherRepositoryOverSameStorage(StageRepository)}.
 *
 * <p>Every test works in a project of its own, so stores over shared storage need no cleaning between tests.
 * Test names cite docs/rules.md's rule numbers.
 */
public abstract class StageRepositoryContract {
    private static final AtomicLong PROJECTS = new AtomicLong();
    private static final String RUN = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    /** The instant every test's clock starts at. */
    protected static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** The clock of {@link #manager}. */
    protected MutableClock clock;
    /** The store under test, decorated to count calls and inject failures. */
    protected RecordingRepository repository;
    /** A manager with default limits over {@link #repository}. */
    protected StageManager manager;
    /** A project no other test uses. */
    protected String project;

    /** @return a new repository; over shared storage, it may see what earlier tests wrote (in other projects) */
    protected abstract StageRepository newRepository();

    /**
     * @param first a repository returned by {@link #newRepository()}
     * @return an independent second repository over the same storage (another node), or null if the store has no
     *         shared storage
     */
    protected StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return null;
    }

    /**
     * A hook for configurations of the manager itself, such as a cache: every manager the kit builds over the store
     * under test goes through it (managers standing for other nodes do not).
     *
     * @param builder a builder with the repository and clock set
     * @return the builder to build from
     */
    protected StageManager.Builder configure(StageManager.Builder builder) {
        return builder;
    }

    /** @return threads of the concurrency fuzz; system property {@code secretstages.fuzz.threads}, default 8 */
    protected int fuzzThreads() {
        return Integer.getInteger("secretstages.fuzz.threads", 8);
    }

    /** @return operations per thread of the concurrency fuzz; property {@code secretstages.fuzz.opsPerThread} */
    protected int fuzzOpsPerThread() {
        return Integer.getInteger("secretstages.fuzz.opsPerThread", 2000);
    }

    /** @return command sequences of the stateful test per configuration; property {@code secretstages.stateful.examples} */
    protected int statefulExamples() {
        return Integer.getInteger("secretstages.stateful.examples", 300);
    }

    /** @return a project id unique in this JVM run and, with high probability, across runs */
    protected static String newProjectId() {
        return "t" + RUN + "-" + PROJECTS.incrementAndGet();
    }

    private StageRepository underlying;

    @BeforeEach
    void setUpContract() {
        clock = new MutableClock(START);
        underlying = newRepository();
        repository = new RecordingRepository(underlying);
        manager = configure(StageManager.builder().repository(repository).clock(clock)).build();
        project = newProjectId();
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Asserts that {@code call} is refused with {@code code}.
     *
     * @param code the expected refusal
     * @param call the call
     * @return the refusal
     */
    protected static StageException assertRefused(ErrorCode code, Executable call) {
        StageException e = assertThrows(StageException.class, call);
        assertEquals(code, e.code(), () -> "expected " + code + " but got " + e);
        return e;
    }

    private static SecretValue text(String s) {
        return SecretValue.ofString(s);
    }

    private SecretVersion create(String secret) {
        return manager.createSecret(project, secret, text("initial"));
    }

    private String holder(String secret, String stage) {
        return manager.getStage(project, secret, stage).versionId();
    }

    private List<String> ids(String secret) {
        return manager.listVersions(project, secret).stream().map(VersionMetadata::id).collect(Collectors.toList());
    }

    /** Everything observable of a secret, to assert that a refused call changed nothing. */
    private String state(String secret) {
        try {
            return manager.listVersions(project, secret) + " " + manager.listStages(project, secret);
        } catch (StageException e) {
            return e.code().name();
        }
    }

    private void tick() {
        clock.advance(Duration.ofMillis(7));
    }

    // ------------------------------------------------------------------ R1-R5

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

    // ------------------------------------------------------------------ R6-R8

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

    // ------------------------------------------------------------------ R9-R16

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

    // ------------------------------------------------------------------ R17-R21

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

        @Test
        void r21_r20_writersOverTwoRepositoriesOfOneStorage() throws Exception {
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            if (second == null) {
                return;
            }
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
    }

    // ------------------------------------------------------------------ R22

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

    // ------------------------------------------------------------------ store failures

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


    // ------------------------------------------------------------------ the SPI itself, called directly

    private static final Instant T0 = START;

    private SecretChange createChange(String secret, String value) {
        return SecretChange.creating(new SecretKey(project, secret), new NewVersion(1, T0, text(value)))
                .attachStages(List.of(new StageRecord(SYSCURRENT, 1, T0))).build();
    }

    private SecretSnapshot createdThroughSpi(String secret) {
        assertTrue(underlying.apply(createChange(secret, "one")).isPresent());
        return underlying.load(new SecretKey(project, secret)).orElseThrow();
    }

    private static SecretChange putChange(SecretSnapshot base, long number, String value) {
        Instant t = T0.plusMillis(number);
        return SecretChange.from(base).addVersion(new NewVersion(number, t, SecretValue.ofString(value)))
                .attachStages(List.of(new StageRecord(SYSCURRENT, number, t),
                        new StageRecord(SYSPREVIOUS, base.stages().get(SYSCURRENT).versionNumber(), t)))
                .build();
    }

    /** The snapshot as a store must hold it after {@code change} applied at {@code revision}. */
    private static void assertHolds(StageRepository store, SecretChange change, long revision) {
        assertEquals(Optional.of(change.result().withRevision(revision)), store.load(change.key()));
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
    }

    // ------------------------------------------------------------------ R8 lifecycle and listing

    private Optional<io.secretstages.spi.SecretSnapshot> stored(String secret) {
        return underlying.load(new io.secretstages.spi.SecretKey(project, secret));
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

    // ------------------------------------------------------------------ model and concurrency

    @Nested
    @DisplayName("I1-I5 stateful model test (QuickTheories)")
    class StatefulModel {
        private void check(int maxStages, int maxVersions) {
            qt().withExamples(statefulExamples()).withShrinkCycles(200)
                    .forAll(lists().of(ModelCommands.commands()).ofSizeBetween(1, 60))
                    .checkAssert(commands -> {
                        MutableClock c = new MutableClock(START);
                        StageManager m = configure(StageManager.builder().repository(newRepository()).clock(c))
                                .maxStages(maxStages).maxVersions(maxVersions).build();
                        String prefix = newProjectId() + "-";
                        Sequential.modelCheck(new ReferenceModel(maxStages, maxVersions, START.toEpochMilli()),
                                commands, model -> new ModelCommands.Harness(m, c, prefix),
                                ModelCommands.Harness::observe);
                    });
        }

        @Test
        void randomCommandSequencesMatchTheReferenceModel_smallLimits() {
            check(4, 6);
        }

        @Test
        void randomCommandSequencesMatchTheReferenceModel_defaultLimits() {
            check(12, 20);
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
    @DisplayName("R5 bad-input fuzz")
    class BadInput {
        @Test
        void r5_generatedBadInputIsRefusedWithItsCodeAndChangesNothing() {
            int cases = Integer.getInteger("secretstages.badinput.cases", 10_000);
            long seed = System.nanoTime();
            var counts = new BadInputFuzz(manager, repository, project, seed).run(cases);
            System.out.printf("bad-input fuzz on %s: %d cases (seed %d) %s%n",
                    StageRepositoryContract.this.getClass().getSimpleName(), cases, seed, counts);
        }
    }

    @Nested
    @DisplayName("R21, R20, I1-I6 concurrency fuzz")
    class Concurrency {
        @Test
        void manyThreadsOnHotAndColdSecrets_exactCountsAndInvariants() throws Exception {
            List<StageManager> managers = new ArrayList<>();
            managers.add(manager);
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            if (second != null) {
                managers.add(StageManager.builder().repository(second).build());
            }
            long seed = System.nanoTime();
            ConcurrencyFuzz.Report r = new ConcurrencyFuzz(managers, project).run(fuzzThreads(), fuzzOpsPerThread(), seed);
            assertEquals((long) fuzzThreads() * fuzzOpsPerThread(), r.operations(), "seed " + seed);
            assertTrue(r.puts() > 0 && r.rotationWins() > 0, "the fuzz exercised puts and rotations: " + r);
            System.out.printf("concurrency fuzz on %s: %s%n", StageRepositoryContract.this.getClass().getSimpleName(), r);
        }
    }
}
