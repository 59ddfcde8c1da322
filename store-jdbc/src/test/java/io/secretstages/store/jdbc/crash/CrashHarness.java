package io.secretstages.store.jdbc.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageManager;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.tck.Invariants;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The crash harness (issue 12). Each round starts {@link CrashWorkload} in a child JVM on the same database, waits
 * until it has acknowledged a first call, lets it run for a random time, then crashes it ({@link CrashTarget#crash}:
 * SIGKILL of the workload, or of the database server), reopens the database and checks, against a
 * {@link CrashModel} that replays every acknowledged call of every round so far:
 * <ul>
 *     <li>every acknowledged outcome is the one the rules give (the replay is right);</li>
 *     <li>the state equals all acknowledged calls, plus at most the one in flight (I6);</li>
 *     <li>I1-I5 hold ({@link Invariants#checkQuiescent});</li>
 *     <li>every index agrees with its table ({@link IndexAudit});</li>
 *     <li>no version id acknowledged once holds another value later;</li>
 *     <li>a put repeated with the client token of an acknowledged put returns that put's version, changing nothing.</li>
 * </ul>
 * State accumulates over the rounds (one database for all of them).
 */
final class CrashHarness {
    private static final int MAX_VERSIONS = 20;

    private final CrashTarget target;
    private final Path dir;
    private final Random random;
    private final long seed;
    private final CrashModel model = new CrashModel(MAX_VERSIONS);
    private final Map<String, String> issued = new HashMap<>();
    private final List<String[]> tokenedPuts = new ArrayList<>();

    /** What the rounds found. */
    static final class Report {
        int rounds;
        long acknowledgedCalls;
        long acknowledgedWrites;
        int inFlightApplied;
        int inFlightNotApplied;
        int roundsWithLoss;
        int tokenRetries;
        int violationCount;
        int corruptionCount;
        /** The first 50 of each, shortened. */
        final List<String> violations = new ArrayList<>();
        final List<String> corruptions = new ArrayList<>();

        void violation(String text) {
            violationCount++;
            if (violations.size() < 50) {
                violations.add(text.substring(0, Math.min(text.length(), 3000)));
            }
        }

        void corruption(String text) {
            corruptionCount++;
            if (corruptions.size() < 50) {
                corruptions.add(text.substring(0, Math.min(text.length(), 3000)));
            }
        }

        @Override
        public String toString() {
            return String.format("rounds=%d acknowledgedCalls=%d acknowledgedWrites=%d inFlight(applied=%d, not=%d)"
                            + " roundsWithLoss=%d tokenRetries=%d violations=%d corruptions=%d", rounds,
                    acknowledgedCalls, acknowledgedWrites, inFlightApplied, inFlightNotApplied, roundsWithLoss,
                    tokenRetries, violationCount, corruptionCount);
        }
    }

    CrashHarness(CrashTarget target, Path dir, long seed) {
        this.target = target;
        this.dir = dir;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /**
     * @param rounds how many crashes
     * @param maxRunMillis the longest a workload runs after its first acknowledged call before the crash
     */
    Report run(int rounds, int maxRunMillis) throws Exception {
        Report report = new Report();
        for (int r = 0; r < rounds; r++) {
            round(r, maxRunMillis, report);
            report.rounds++;
            if (report.rounds % 25 == 0 && report.rounds < rounds) {
                System.out.printf("crash harness on %s (seed %d), so far: %s%n", target.name(), seed, report);
            }
        }
        System.out.printf("crash harness on %s (seed %d): %s%n", target.name(), seed, report);
        report.violations.stream().limit(5).forEach(v -> System.out.println("  violation: " + v));
        report.corruptions.stream().limit(5).forEach(v -> System.out.println("  corruption: " + v));
        return report;
    }

    private void round(int r, int maxRunMillis, Report report) throws Exception {
        Path log = dir.resolve("round-" + r + ".log");
        Path output = dir.resolve("round-" + r + ".out");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", CrashWorkload.class.getName(), target.url(),
                target.user(), target.password(), log.toString(), Long.toString(seed * 1_000_003L + r)));
        if (target.delayedWrites()) {
            command.add("delayed");
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (child.isAlive() && !Files.readString(log(log)).contains("\nA\t")
                    && !Files.readString(log(log)).startsWith("A\t")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("round " + r + ": no call acknowledged within 60 s: " + tail(output));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            boolean exited = child.waitFor(random.nextInt(maxRunMillis + 1), TimeUnit.MILLISECONDS);
            if (exited && child.exitValue() != 3) {
                throw new AssertionError("round " + r + ": the workload exited by itself (" + child.exitValue()
                        + "): " + tail(output));
            }
            if (!exited) {
                target.crash(child);
            }
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                child.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            child.destroyForcibly();
        }
        target.recover();
        check(r, CallLog.read(log), report);
    }

    private static Path log(Path log) throws IOException {
        if (!Files.exists(log)) {
            Files.createFile(log);
        }
        return log;
    }

    private static String tail(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        return text.substring(Math.max(0, text.length() - 3000));
    }

    private void check(int r, List<CallLog.Entry> entries, Report report) throws Exception {
        CallLog.Entry inFlight = null;
        for (CallLog.Entry e : entries) {
            if (e.outcome() == null) {
                if (inFlight != null) {
                    report.violation("round " + r + ": two calls without an outcome: " + inFlight + ", " + e);
                }
                inFlight = e;
                continue;
            }
            report.acknowledgedCalls++;
            String predicted = model.apply(e.call(), e.outcome());
            if (!predicted.equals(e.outcome()) && !predicted.equals("ok:v?")) {
                report.violation("round " + r + " call " + e.n() + " " + e.call().line() + ": answered "
                        + e.outcome() + ", the rules give " + predicted);
            }
            if (e.outcome().startsWith("ok")) {
                report.acknowledgedWrites++;
            }
            if (e.outcome().startsWith("ok:v") && (e.call().op().equals("put") || e.call().op().equals("create"))) {
                String id = e.call().secret() + "/" + e.outcome().substring(3);
                String before = issued.putIfAbsent(id, e.call().arg(0));
                boolean retry = e.call().op().equals("put") && !e.call().arg(2).equals("-");
                if (before != null && !before.equals(e.call().arg(0))) {
                    report.violation("round " + r + ": version id " + id + " issued again for another value");
                }
                if (retry) {
                    tokenedPuts.add(new String[] {e.call().secret(), e.call().arg(0), e.call().arg(1),
                            e.call().arg(2), e.outcome().substring(3)});
                }
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(1);
        config.setPoolName("crash-check");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcStageRepository.Builder repository = JdbcStageRepository.builder(pool);
            if (target.delayedWrites()) {
                repository.allowDelayedWrites(true);
            }
            StageManager m = StageManager.builder().repository(repository.build()).maxVersions(MAX_VERSIONS).build();
            ObservedState observed = ObservedState.read(m);
            Map<String, String> state = observed.render();
            Map<String, String> expected = model.render();
            if (!state.equals(expected)) {
                CrashModel withInFlight = null;
                if (inFlight != null) {
                    withInFlight = model.copy();
                    withInFlight.apply(inFlight.call(), null);
                }
                if (withInFlight != null && state.equals(withInFlight.render())) {
                    report.inFlightApplied++;
                    model.secrets.clear();
                    model.secrets.putAll(withInFlight.secrets);
                } else {
                    report.roundsWithLoss++;
                    report.violation("round " + r + ": the state is not that of the acknowledged calls"
                            + (inFlight == null ? "" : " (in flight: " + inFlight.call().line() + ")") + ": "
                            + difference(expected, state));
                    model.rebase(observed.secrets);
                }
            } else if (inFlight != null) {
                report.inFlightNotApplied++;
            }
            for (String secret : state.keySet()) {
                try {
                    Invariants.checkQuiescent(m, CrashWorkload.PROJECT, secret);
                } catch (AssertionError e) {
                    report.violation("round " + r + ": invariant: " + e.getMessage());
                }
            }
            observed.secrets.forEach((secret, s) -> s.versions.forEach((n, v) -> {
                String before = issued.get(secret + "/v" + n);
                if (!s.pending && before != null && !before.equals(v.value())) {
                    report.violation("round " + r + ": " + secret + "/v" + n + " holds another value than"
                            + " the one acknowledged for it");
                }
            }));
            try (Connection c = pool.getConnection()) {
                for (String problem : target.audit().check(c)) {
                    report.corruption("round " + r + ": " + problem);
                }
            }
            retryTokens(r, m, report);
        }
    }

    /** A put repeated with an acknowledged put's token returns its version (while the version exists). */
    private void retryTokens(int r, StageManager m, Report report) {
        for (int i = 0; i < 2 && !tokenedPuts.isEmpty(); i++) {
            String[] p = tokenedPuts.get(random.nextInt(tokenedPuts.size()));
            CrashModel.Secret s = model.secrets.get(p[0]);
            long number = Long.parseLong(p[4].substring(1));
            if (s == null || s.pending || !s.versions.containsKey(number)
                    || !s.versions.get(number).token().equals(p[3])) {
                continue; // the version was evicted (its token with it), or the secret is pending deletion
            }
            Map<String, String> before = ObservedState.read(m).render();
            SecretVersion v = m.putVersion(CrashWorkload.PROJECT, p[0], SecretValue.ofString(p[1]),
                    Set.of(p[2].split(",")), p[3]);
            report.tokenRetries++;
            if (!v.id().equals(p[4])) {
                report.violation("round " + r + ": a put retried with token " + p[3] + " returned " + v.id()
                        + ", its put was acknowledged as " + p[4]);
            }
            if (!ObservedState.read(m).render().equals(before)) {
                report.violation("round " + r + ": a put retried with its token changed the secret " + p[0]);
            }
        }
    }

    private static String difference(Map<String, String> expected, Map<String, String> actual) {
        StringBuilder b = new StringBuilder();
        Set<String> names = new java.util.TreeSet<>(expected.keySet());
        names.addAll(actual.keySet());
        for (String name : names) {
            if (!java.util.Objects.equals(expected.get(name), actual.get(name))) {
                b.append(name).append(" expected ").append(expected.get(name)).append(" found ")
                        .append(actual.get(name)).append("; ");
            }
        }
        return b.toString();
    }
}
