package io.secretstages.store.jdbc;

import io.secretstages.ErrorCode;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.tck.Invariants;
import io.secretstages.tck.MutableClock;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs writes with a fault at every JDBC call, in turn (I6), and asserts the outcome of each: the call fails, the
 * connection drops under it, or the call reaches the database and then reports an error (an ambiguous commit).
 * Afterwards the project's state, read through a clean connection, is exactly the state before or exactly the
 * state after (that of a twin project that ran the same operation without faults), the invariants hold, and the
 * caller got success exactly when the state is the state after, except for the ambiguous case, where it got an
 * ambiguous STORE_FAILURE and the state may be either; a retry by the caller then keeps every invariant.
 * Test code, shared with other modules' tests (encryption) through this module's test-jar.
 */
public final class FaultPointSweep {
    /** One write (or the writes preparing it) on a project's secret {@code "s"}. */
    @FunctionalInterface
    public interface Op {
        /**
         * @param m       the manager to call
         * @param project the project to write in
         */
        void run(StageManager m, String project);
    }

    /**
     * An operation and the state it starts from.
     *
     * @param name      what the scenario is called in failure messages
     * @param prepare   run without faults on the project and its twin first
     * @param operation run with a fault on the project, without on the twin
     */
    public record Scenario(String name, Op prepare, Op operation) {
    }

    /** Reads everything stored for a project as text, with the project id left out so that twins compare equal. */
    @FunctionalInterface
    public interface ProjectState {
        /**
         * @param db      the database, through a clean connection
         * @param project the project to read
         * @return the project's state
         * @throws SQLException if the database cannot be read
         */
        String read(DataSource db, String project) throws SQLException;
    }

    private final MutableClock clock;
    private final Instant start;
    private final Function<DataSource, StageManager> managers;
    private final ProjectState state;
    private int projects;

    /**
     * @param clock    the clock the managers run on: set back to its current instant before each run
     * @param managers a manager over a data source; building it must pass no fault point
     * @param state    how a project's state is read for comparison
     */
    public FaultPointSweep(MutableClock clock, Function<DataSource, StageManager> managers, ProjectState state) {
        this.clock = clock;
        this.start = clock.instant();
        this.managers = managers;
        this.state = state;
    }

    /**
     * Runs every scenario with a fault of every mode at point 1, 2, ... until a run passes no fault.
     *
     * @param label         the database's name in messages and project ids
     * @param projectPrefix prefixed to a counter for a fresh project per run
     * @param clean         the database without faults, its schema in place
     * @param scenarios     the writes to break
     * @return the number of fault points each scenario passed, by scenario name
     * @throws SQLException if the state cannot be read
     */
    public Map<String, Integer> run(String label, String projectPrefix, DataSource clean, List<Scenario> scenarios)
            throws SQLException {
        StageManager cleanManager = managers.apply(clean);
        Map<String, Integer> pointsPerScenario = new LinkedHashMap<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (Scenario sc : scenarios) {
            for (FaultInjectingDataSource.Mode mode : FaultInjectingDataSource.Mode.values()) {
                for (int n = 1; ; n++) {
                    String project = projectPrefix + (++projects);
                    String twin = project + "-twin";
                    clock.set(start);
                    sc.prepare().run(cleanManager, project);
                    sc.prepare().run(cleanManager, twin);
                    String before = state.read(clean, project);
                    assertEquals(before, state.read(clean, twin), "twins start equal");
                    clock.advance(Duration.ofSeconds(1));
                    sc.operation().run(cleanManager, twin);
                    String after = state.read(clean, twin);

                    FaultInjectingDataSource faulty = new FaultInjectingDataSource(clean, n, mode);
                    StageException failure = null;
                    try {
                        sc.operation().run(managers.apply(faulty.dataSource), project);
                    } catch (StageException e) {
                        failure = e;
                    }
                    String now = state.read(clean, project);
                    String where = label + " " + sc.name() + " " + mode + " at point " + n + " ("
                            + faulty.injectedAt() + ")";
                    Invariants.checkQuiescent(cleanManager, project, "s");
                    if (faulty.injectedAt() == null) {
                        if (failure != null) {
                            fail(where + ": no fault, yet " + failure);
                        }
                        assertEquals(after, now, where);
                        pointsPerScenario.merge(sc.name(), n - 1, Math::max);
                        break;
                    }
                    if (failure == null) {
                        assertEquals(after, now, where + ": success must mean the state after");
                        outcomes.merge("success (fault absorbed: " + faulty.injectedAt().split(" ")[0] + ")", 1,
                                Integer::sum);
                        continue;
                    }
                    assertEquals(ErrorCode.STORE_FAILURE, failure.code(), where + ": " + failure);
                    if (now.equals(after) && !after.equals(before)) {
                        assertEquals(FaultInjectingDataSource.Mode.FAIL_AFTER, mode,
                                where + ": only an ambiguous outcome may fail after applying");
                        assertTrue(failure.ambiguous(),
                                where + ": a failure after applying must say that the outcome is unknown");
                        outcomes.merge("STORE_FAILURE, applied (ambiguous)", 1, Integer::sum);
                        retryKeepsInvariants(cleanManager, sc, project, where);
                        if (sc.name().contains("client token")) {
                            assertEquals(after, state.read(clean, project),
                                    where + ": the retry with the token added nothing");
                        }
                    } else {
                        assertEquals(before, now, where + ": a failed write leaves no trace");
                        outcomes.merge("STORE_FAILURE, nothing applied", 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("fault injection on %s: fault points per operation %s; outcomes %s%n", label,
                pointsPerScenario, outcomes);
        return pointsPerScenario;
    }

    /** The caller retries after an ambiguous failure: refusals are fine, broken invariants are not. */
    private static void retryKeepsInvariants(StageManager m, Scenario sc, String project, String where) {
        try {
            sc.operation().run(m, project);
        } catch (StageException e) {
            assertTrue(Set.of(ErrorCode.SECRET_ALREADY_EXISTS, ErrorCode.CONFLICT, ErrorCode.STAGE_NOT_FOUND,
                    ErrorCode.SECRET_NOT_FOUND, ErrorCode.SECRET_PENDING_DELETION).contains(e.code()),
                    where + " retry: " + e);
        }
        Invariants.checkQuiescent(m, project, "s");
    }
}
