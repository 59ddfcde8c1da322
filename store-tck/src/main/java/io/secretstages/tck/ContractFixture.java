package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture of the contract kit ({@link StageRepositoryContract}, which a store's test extends): a fresh
 * repository, clock, manager and project per test, the hooks a store overrides, and the helpers the parts share.
 */
public abstract class ContractFixture {
    /** For the parts of the kit. */
    protected ContractFixture() {
    }

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

    /** The store under test itself, undecorated. */
    StageRepository underlying;

    @BeforeEach
    void setUpContract() {
        clock = new MutableClock(START);
        underlying = newRepository();
        repository = new RecordingRepository(underlying);
        manager = configure(StageManager.builder().repository(repository).clock(clock)).build();
        project = newProjectId();
    }

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

    static SecretValue text(String s) {
        return SecretValue.ofString(s);
    }

    SecretVersion create(String secret) {
        return manager.createSecret(project, secret, text("initial"));
    }

    String holder(String secret, String stage) {
        return manager.getStage(project, secret, stage).versionId();
    }

    List<String> ids(String secret) {
        return manager.listVersions(project, secret).stream().map(VersionMetadata::id).collect(Collectors.toList());
    }

    /** Everything observable of a secret, to assert that a refused call changed nothing. */
    String state(String secret) {
        try {
            return manager.listVersions(project, secret) + " " + manager.listStages(project, secret);
        } catch (StageException e) {
            return e.code().name();
        }
    }

    void tick() {
        clock.advance(Duration.ofMillis(7));
    }

    static final Instant T0 = START;

    SecretChange createChange(String secret, String value) {
        return SecretChange.creating(new SecretKey(project, secret), new NewVersion(1, T0, text(value)))
                .attachStages(List.of(new StageRecord(SYSCURRENT, 1, T0))).build();
    }

    SecretSnapshot createdThroughSpi(String secret) {
        assertTrue(underlying.apply(createChange(secret, "one")).isPresent());
        return underlying.load(new SecretKey(project, secret)).orElseThrow();
    }

    static SecretChange putChange(SecretSnapshot base, long number, String value) {
        Instant t = T0.plusMillis(number);
        return SecretChange.from(base).addVersion(new NewVersion(number, t, SecretValue.ofString(value)))
                .attachStages(List.of(new StageRecord(SYSCURRENT, number, t),
                        new StageRecord(SYSPREVIOUS, base.stages().get(SYSCURRENT).versionNumber(), t)))
                .build();
    }

    /** The snapshot as a store must hold it after {@code change} applied at {@code revision}. */
    static void assertHolds(StageRepository store, SecretChange change, long revision) {
        assertEquals(Optional.of(change.result().withRevision(revision)), store.load(change.key()));
    }

    /** @return what the store under test holds for {@code secret} of this test's project */
    Optional<SecretSnapshot> stored(String secret) {
        return underlying.load(new SecretKey(project, secret));
    }
}
