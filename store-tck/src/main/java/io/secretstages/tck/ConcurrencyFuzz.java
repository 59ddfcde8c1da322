package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many threads over one hot secret, a few cold ones, and a rotation counter, with exact counts checked afterwards
 * (the ShedLock {@code FuzzTester} idea): every acknowledged put got a distinct id and the highest id equals the
 * number of puts plus one (no lost or duplicated version, R4, R21, I5, I6); the winners of guarded rotations (R20)
 * form one unbroken chain from {@code v1} to the final {@code SYSCURRENT}, so no two rotations from the same
 * expectation both won; invariants hold throughout (checked on consistent reads while writers run) and after.
 */
public final class ConcurrencyFuzz {
    static final String HOT = "hot";
    static final String COUNTER = "counter";
    static final List<String> COLD = List.of("cold0", "cold1", "cold2", "cold3");

    /** What happened. */
    public record Report(long operations, long puts, long rotationAttempts, long rotationWins, long invariantChecks,
                         long elapsedMillis) {
    }

    private final List<StageManager> managers;
    private final String project;
    private final Map<String, ConcurrentLinkedQueue<String>> putIds = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String[]> wins = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong rotationAttempts = new AtomicLong();
    private final AtomicLong invariantChecks = new AtomicLong();

    /**
     * @param managers managers over one storage; threads use them in turn
     * @param project a project nobody else uses
     */
    public ConcurrencyFuzz(List<StageManager> managers, String project) {
        this.managers = List.copyOf(managers);
        this.project = project;
    }

    private static SecretValue value(long n) {
        return SecretValue.ofString("value-" + n);
    }

    /**
     * Runs the fuzz and checks its exact counts.
     *
     * @param threads how many threads
     * @param opsPerThread operations each thread performs
     * @param seed the random seed (printed on failure)
     * @return the counts
     * @throws Exception if a thread failed, with its failure as the cause
     */
    public Report run(int threads, int opsPerThread, long seed) throws Exception {
        StageManager setup = managers.get(0);
        List<String> all = new ArrayList<>(COLD);
        all.add(HOT);
        all.add(COUNTER);
        for (String s : all) {
            setup.createSecret(project, s, value(0));
            putIds.put(s, new ConcurrentLinkedQueue<>());
        }
        long elapsed = Workers.run(threads, opsPerThread, Duration.ofMinutes(10), t -> {
            StageManager m = managers.get(t % managers.size());
            SplittableRandom random = new SplittableRandom(seed + t);
            return () -> {
                step(m, random);
                operations.incrementAndGet();
            };
        });
        long puts = 0;
        for (String s : all) {
            puts += checkPuts(setup, s);
            Invariants.checkQuiescent(setup, project, s);
        }
        checkRotationChain(setup);
        return new Report(operations.get(), puts, rotationAttempts.get(), wins.size(), invariantChecks.get(), elapsed);
    }

    private void step(StageManager m, SplittableRandom r) {
        String secret = r.nextInt(2) == 0 ? HOT : COLD.get(r.nextInt(COLD.size()));
        int dice = r.nextInt(100);
        try {
            if (dice < 30) {
                SecretVersion v = m.putVersion(project, secret, value(r.nextLong()));
                putIds.get(secret).add(v.id());
            } else if (dice < 40) {
                rotate(m, r);
            } else if (dice < 55) {
                List<VersionMetadata> versions = m.listVersions(project, secret);
                String target = versions.get(r.nextInt(versions.size())).id();
                try {
                    m.updateStage(project, secret, "blue", target);
                } catch (StageException e) {
                    expect(e, ErrorCode.VERSION_NOT_FOUND); // evicted by a concurrent put
                }
            } else if (dice < 62) {
                try {
                    m.deleteStage(project, secret, "blue");
                } catch (StageException e) {
                    expect(e, ErrorCode.STAGE_NOT_FOUND);
                }
            } else if (dice < 80) {
                Stage current = m.getStage(project, secret, Stages.SYSCURRENT);
                assertEquals(secret, current.secretName());
                SecretVersion latest = m.getVersion(project, secret, "latest");
                assertTrue(latest.stages().contains(Stages.SYSCURRENT), "latest holds SYSCURRENT");
            } else {
                Invariants.checkVersions(m, project, secret);
                invariantChecks.incrementAndGet();
            }
        } catch (StageException e) {
            fail("unexpected refusal on " + secret + ": " + e, e);
        }
    }

    /** A guarded rotation: add a version without moving SYSCURRENT, then move SYSCURRENT from the holder read. */
    private void rotate(StageManager m, SplittableRandom r) {
        rotationAttempts.incrementAndGet();
        SecretVersion pending = m.putVersion(project, COUNTER, value(r.nextLong()), Set.of("pending"));
        putIds.get(COUNTER).add(pending.id());
        String holder = m.getStage(project, COUNTER, Stages.SYSCURRENT).versionId();
        try {
            m.updateStage(project, COUNTER, Stages.SYSCURRENT, pending.id(), Optional.of(holder));
            wins.add(new String[]{holder, pending.id()});
        } catch (StageException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                expect(e, ErrorCode.VERSION_NOT_FOUND); // the pending version was evicted before the move
            }
        }
    }

    private static void expect(StageException e, ErrorCode code) {
        if (e.code() != code) {
            throw e;
        }
    }

    private long checkPuts(StageManager m, String secret) {
        List<String> ids = new ArrayList<>(putIds.get(secret));
        Set<String> distinct = new HashSet<>(ids);
        assertEquals(ids.size(), distinct.size(), "I5/I6: every acknowledged put got its own id on " + secret);
        assertTrue(!distinct.contains("v1"), "v1 came from createSecret");
        List<VersionMetadata> versions = m.listVersions(project, secret);
        long highest = Long.parseLong(versions.get(versions.size() - 1).id().substring(1));
        assertEquals(ids.size() + 1L, highest, "R4/I6: highest id = puts + 1 (no lost or duplicated version) on " + secret);
        for (String id : ids) {
            long n = Long.parseLong(id.substring(1));
            assertTrue(n >= 2 && n <= highest, "put id in range: " + id);
        }
        return ids.size();
    }

    private void checkRotationChain(StageManager m) {
        Map<String, String> next = new HashMap<>();
        for (String[] w : wins) {
            String previous = next.put(w[0], w[1]);
            if (previous != null) {
                fail("R20: two rotations from " + w[0] + " both won (to " + previous + " and " + w[1] + ")");
            }
        }
        String at = "v1";
        String before = null;
        int length = 0;
        while (next.containsKey(at)) {
            before = at;
            at = next.get(at);
            length++;
        }
        assertEquals(wins.size(), length, "R20: every winning rotation is on one chain from v1");
        assertEquals(at, m.getStage(project, COUNTER, Stages.SYSCURRENT).versionId(), "the chain ends at SYSCURRENT");
        if (before != null) {
            assertEquals(before, m.getStage(project, COUNTER, Stages.SYSPREVIOUS).versionId(),
                    "R12: SYSPREVIOUS is the chain's last but one");
        }
    }
}
