package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long random workload over many secrets from many threads (and managers), with invariants checked continuously
 * on consistent reads and, at the end, every acknowledged write accounted for (I6): each acknowledged put exists or
 * was removed by R15 (the secret is at the version limit and a newer version exists); the highest id equals the
 * puts plus one; SYSCURRENT and SYSPREVIOUS are the last two puts (puts are the only SYSCURRENT moves here); each
 * thread's own custom stage is where that thread's last acknowledged move or delete left it.
 */
public final class Soak {
    /** What happened. */
    public record Report(long operations, long checks, long elapsedMillis) {
        /** @return operations per second */
        public double opsPerSecond() {
            return operations * 1000.0 / Math.max(1, elapsedMillis);
        }
    }

    private final List<StageManager> managers;
    private final String project;
    private final int secrets;
    private final Map<String, ConcurrentLinkedQueue<Long>> puts = new ConcurrentHashMap<>();
    /** Per thread, per secret: the last acknowledged holder of the thread's stage (0 = deleted or never set). */
    private final List<long[]> lastStageMove = new ArrayList<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();

    /**
     * @param managers managers over one storage; threads use them in turn
     * @param project a project nobody else uses
     * @param secrets how many secrets
     */
    public Soak(List<StageManager> managers, String project, int secrets) {
        this.managers = List.copyOf(managers);
        this.project = project;
        this.secrets = secrets;
    }

    private static String name(int i) {
        return "k" + i;
    }

    /**
     * Runs {@code totalOps} operations over {@code threads} threads, then checks every acknowledged write.
     *
     * @param threads how many threads
     * @param totalOps how many operations in all
     * @param seed the random seed
     * @return the counts
     * @throws Exception if a thread failed, with its failure as the cause
     */
    public Report run(int threads, long totalOps, long seed) throws Exception {
        for (int i = 0; i < secrets; i++) {
            managers.get(0).createSecret(project, name(i), SecretValue.ofString("v1"));
            puts.put(name(i), new ConcurrentLinkedQueue<>());
        }
        long perThread = totalOps / threads;
        long elapsed = Workers.run(threads, perThread, Duration.ofHours(2), t -> {
            long[] moves = new long[secrets];
            lastStageMove.add(moves);
            StageManager m = managers.get(t % managers.size());
            String stage = "t" + t;
            SplittableRandom r = new SplittableRandom(seed + t);
            return () -> {
                step(m, r, stage, moves);
                operations.incrementAndGet();
            };
        });
        verify(managers.get(0));
        return new Report(operations.get(), checks.get(), elapsed);
    }

    private void step(StageManager m, SplittableRandom r, String stage, long[] moves) {
        int i = r.nextInt(secrets);
        String s = name(i);
        int dice = r.nextInt(100);
        if (dice < 30) {
            SecretVersion v = m.putVersion(project, s, SecretValue.ofString("p" + r.nextLong()));
            puts.get(s).add(Long.parseLong(v.id().substring(1)));
        } else if (dice < 50) {
            List<VersionMetadata> versions = m.listVersions(project, s);
            String target = versions.get(r.nextInt(versions.size())).id();
            try {
                m.updateStage(project, s, stage, target);
                moves[i] = Long.parseLong(target.substring(1));
            } catch (StageException e) {
                if (e.code() != ErrorCode.VERSION_NOT_FOUND) {
                    throw e;
                }
            }
        } else if (dice < 55) {
            try {
                m.deleteStage(project, s, stage);
                moves[i] = 0;
            } catch (StageException e) {
                if (e.code() != ErrorCode.STAGE_NOT_FOUND) {
                    throw e;
                }
            }
        } else if (dice < 80) {
            m.getStage(project, s, Stages.SYSCURRENT);
            m.getVersion(project, s, "latest");
        } else {
            Invariants.checkVersions(m, project, s);
            checks.incrementAndGet();
        }
    }

    private void verify(StageManager m) {
        for (int i = 0; i < secrets; i++) {
            String s = name(i);
            Invariants.checkQuiescent(m, project, s);
            checks.incrementAndGet();
            List<Long> acked = new ArrayList<>(puts.get(s));
            List<VersionMetadata> versions = m.listVersions(project, s);
            Set<Long> present = new HashSet<>();
            for (VersionMetadata v : versions) {
                present.add(Long.parseLong(v.id().substring(1)));
            }
            long highest = Long.parseLong(versions.get(versions.size() - 1).id().substring(1));
            assertEquals(acked.size() + 1L, highest, s + ": highest id = acknowledged puts + 1");
            assertEquals(acked.size(), new HashSet<>(acked).size(), s + ": no id acknowledged twice");
            for (long id : acked) {
                if (!present.contains(id)) {
                    assertEquals(m.maxVersions(), versions.size(), s + ": v" + id + " may only have gone by R15");
                    assertTrue(id < highest, s + ": the newest version is never removed");
                }
            }
            acked.sort(null);
            long current = acked.isEmpty() ? 1 : acked.get(acked.size() - 1);
            assertEquals("v" + current, m.getStage(project, s, Stages.SYSCURRENT).versionId(), s + ": SYSCURRENT");
            if (!acked.isEmpty()) {
                long previous = acked.size() >= 2 ? acked.get(acked.size() - 2) : 1;
                assertEquals("v" + previous, m.getStage(project, s, Stages.SYSPREVIOUS).versionId(), s + ": SYSPREVIOUS");
            }
            for (int t = 0; t < lastStageMove.size(); t++) {
                long holder = lastStageMove.get(t)[i];
                String stage = "t" + t;
                if (holder == 0) {
                    boolean absent;
                    try {
                        m.getStage(project, s, stage);
                        absent = false;
                    } catch (StageException e) {
                        absent = e.code() == ErrorCode.STAGE_NOT_FOUND;
                    }
                    assertTrue(absent, s + ": " + stage + " was last deleted");
                } else {
                    assertEquals("v" + holder, m.getStage(project, s, stage).versionId(), s + ": " + stage);
                }
                checks.incrementAndGet();
            }
            assertFalse(versions.isEmpty());
        }
    }
}
