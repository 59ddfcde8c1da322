package io.secretstages.bench;

import io.secretstages.store.memory.InMemoryStageRepository;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs every benchmark in one go, side by side with its baseline, and writes its part of {@code RESULTS.md} (between
 * {@link #BEGIN} and {@link #END}; the file's other sections are kept, see {@link #merge}): two PostgreSQL
 * servers (fsync and synchronous commit off, as in the tests; and durable, both on) are started once and loaded
 * once; each JMH run is a fork. Arguments: {@code --quick} shortens every run, for a smoke test of the suite;
 * {@code --only=REGEX} runs only the planned runs whose label matches (a {@code find}; {@code --list} prints the
 * labels, such as {@code LibraryBenchmark.(getLatest) [pg] 100000 random 1t}); {@code --stores=a,b} and
 * {@code --access=random} keep only those stores and access patterns in them; {@code --short} runs 3x1 s warm-up
 * and 3x1 s measurement instead of 5 and 4; {@code --out=FILE} writes into that file instead of {@code RESULTS.md}
 * (the same way: a file that does not exist yet holds only the report). A PostgreSQL server is started only if a
 * selected run needs it.
 */
public final class BenchmarkSuite {
    /** One measurement; p50 and p99 (µs) only for sample-time runs, else NaN. */
    record Row(String op, String store, int secrets, String access, int threads, double score, double error,
               double p50, double p99) {
        double microsPerOp() {
            return threads * 1_000_000.0 / score;
        }
    }

    /** One planned JMH run: a benchmark pattern over stores, sizes and access patterns. */
    record Plan(String include, int threads, String secrets, String[] stores, String[] access, boolean sampleTime) {
        String label() {
            return include.replace(BenchmarkSuite.class.getPackageName() + ".", "").replace("\\.", ".")
                    .replace("$", "") + " " + List.of(stores) + " " + secrets + " " + String.join(",", access) + " "
                    + threads + "t";
        }

        boolean uses(String store) {
            return List.of(stores).stream().anyMatch(s -> s.equals(store) || s.startsWith(store + "-cached")
                    || store.equals("pg") && s.equals("bare"));
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<Plan> plans = new ArrayList<>();
    private final boolean quick;
    private final boolean shortRuns;
    private final List<String> jvmArgs = new ArrayList<>();

    private BenchmarkSuite(boolean quick, boolean shortRuns) {
        this.quick = quick;
        this.shortRuns = shortRuns;
    }

    private static Optional<String> option(String[] args, String name) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Optional.of(a.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        long t0 = System.nanoTime();
        BenchmarkSuite suite = new BenchmarkSuite(quick, List.of(args).contains("--short"));
        suite.plan();
        Optional<String> only = option(args, "--only");
        if (only.isPresent()) {
            java.util.regex.Pattern p = java.util.regex.Pattern.compile(only.get());
            suite.plans.removeIf(plan -> !p.matcher(plan.label()).find());
        }
        Optional<List<String>> stores = option(args, "--stores").map(v -> List.of(v.split(",")));
        Optional<List<String>> access = option(args, "--access").map(v -> List.of(v.split(",")));
        if (stores.isPresent() || access.isPresent()) {
            List<Plan> narrowed = new ArrayList<>();
            for (Plan plan : suite.plans) {
                String[] st = List.of(plan.stores()).stream().filter(x -> stores.map(l -> l.contains(x)).orElse(true))
                        .toArray(String[]::new);
                String[] ac = List.of(plan.access()).stream().filter(x -> access.map(l -> l.contains(x)).orElse(true))
                        .toArray(String[]::new);
                if (st.length > 0 && ac.length > 0) {
                    narrowed.add(new Plan(plan.include(), plan.threads(), plan.secrets(), st, ac, plan.sampleTime()));
                }
            }
            suite.plans.clear();
            suite.plans.addAll(narrowed);
        }
        if (List.of(args).contains("--list")) {
            suite.plans.forEach(plan -> System.out.println(plan.label()));
            return;
        }
        Path out = Path.of(option(args, "--out").orElse("RESULTS.md"));
        boolean everything = only.isEmpty() && stores.isEmpty() && access.isEmpty();
        double bytesPerSecret = everything ? footprint(quick ? 100_000 : 1_000_000) : Double.NaN;
        boolean fast = suite.plans.stream().anyMatch(plan -> plan.uses("pg"));
        boolean durable = suite.plans.stream().anyMatch(plan -> plan.uses("pg-durable"));
        try (EmbeddedPostgres fastServer = fast ? EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off").start() : null;
             EmbeddedPostgres durableServer = durable ? EmbeddedPostgres.builder()
                     .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                     .setServerConfig("full_page_writes", "on").start() : null) {
            suite.jvmArgs.addAll(List.of("-Xmx4g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
            for (EmbeddedPostgres server : new EmbeddedPostgres[]{fastServer, durableServer}) {
                if (server == null) {
                    continue;
                }
                String url = server.getJdbcUrl("postgres", "postgres");
                try (var pool = Fixtures.pool(url, 2)) {
                    io.secretstages.store.jdbc.JdbcStageRepository.builder(pool).initializeSchema(true).build();
                    Fixtures.load(pool, 100_000);
                }
                suite.jvmArgs.add("-D" + (server == fastServer ? Fixtures.PG_URL : Fixtures.PG_DURABLE_URL) + "="
                        + url);
            }
            for (Plan plan : suite.plans) {
                suite.run(plan);
            }
        }
        long minutes = (System.nanoTime() - t0) / 60_000_000_000L;
        String existing = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null;
        Files.writeString(out, merge(existing, suite.report(bytesPerSecret, minutes)), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath() + " in " + minutes + " min");
    }

    /** The line before the part of RESULTS.md the suite writes. */
    static final String BEGIN = "<!-- BenchmarkSuite writes what is between this line and its end line;"
            + " the rest of this file is kept as it is -->";
    /** The line after it. */
    static final String END = "<!-- BenchmarkSuite: end of what it writes -->";

    /**
     * Puts a run's report into the results file without losing what was written there by hand.
     *
     * @param existing the file as it is, or null if there is none
     * @param report this run's report
     * @return the file to write: {@code existing} with what lies between {@link #BEGIN} and {@link #END} replaced by
     *         {@code report}; if {@code existing} lacks either line, the report between the two lines followed by the
     *         whole of {@code existing}; if there is no file, a title and the report between the two lines
     */
    static String merge(String existing, String report) {
        String block = BEGIN + "\n" + report + (report.endsWith("\n") ? "" : "\n") + END + "\n";
        if (existing == null) {
            return "# Benchmark results\n\n" + block;
        }
        int begin = existing.indexOf(BEGIN);
        int end = begin < 0 ? -1 : existing.indexOf(END, begin);
        if (end < 0) {
            return block + "\n" + existing;
        }
        String after = existing.substring(end + END.length());
        return existing.substring(0, begin) + block + (after.startsWith("\n") ? after.substring(1) : after);
    }

    private void run(String include, int threads, String secrets, String[] stores, String... access) {
        plans.add(new Plan(include, threads, secrets, stores, access, false));
    }

    /** Every run of the full suite, in order. */
    private void plan() {
        String lib = LibraryBenchmark.class.getName();
        String base = BaselineBenchmark.class.getName();
        // Each store's rows run right before its baseline's, so that the two are measured minutes apart at most
        // (this machine drifts: a ratio of rows measured far apart mixes the drift into it).
        String all = lib + "\\.(getStage|getLatest|updateStage|putVersion)$";
        String jdbc = base + "\\.(jdbcSelect|jdbcUpdate)$";
        // 1 thread: also the library's version-read statement run bare, the statement's own cost on that database
        String jdbc1 = base + "\\.(jdbcSelect|jdbcUpdate|jdbcVersionRead)$";
        String map = base + "\\.mapGet$";
        String readWrite = lib + "\\.(getStage|updateStage)$";
        // 1 thread, 1e3 secrets: every operation on every store, hot and random
        run(all, 1, "1000", new String[]{"memory", "memory-cached"}, "hot", "random");
        run(map, 1, "1000", new String[]{"map"}, "hot", "random");
        run(all, 1, "1000", new String[]{"h2", "h2-cached"}, "hot", "random");
        run(jdbc1, 1, "1000", new String[]{"h2"}, "hot", "random");
        run(all, 1, "1000", new String[]{"sqlite"}, "hot", "random");
        run(jdbc1, 1, "1000", new String[]{"sqlite"}, "hot", "random");
        run(all, 1, "1000", new String[]{"pg", "pg-cached"}, "hot", "random");
        run(jdbc1, 1, "1000", new String[]{"pg"}, "hot", "random");
        run(lib + "\\.(getStage|getLatest|getByStage|updateStage|putVersion|createSecret)$", 1, "1000",
                new String[]{"pg-durable"}, "random");
        run(jdbc1, 1, "1000", new String[]{"pg-durable"}, "random");
        run(lib + "\\.(getStage|getLatest|getByStage|updateStage|putVersion|createSecret)$", 1, "100000",
                new String[]{"pg-durable"}, "random");
        run(jdbc1, 1, "100000", new String[]{"pg-durable"}, "random");
        // scale
        run(readWrite, 1, "100000,1000000", new String[]{"memory"}, "random");
        run(map, 1, "100000,1000000", new String[]{"map"}, "random");
        run(readWrite, 1, "100000", new String[]{"h2"}, "random");
        run(jdbc1, 1, "100000", new String[]{"h2"}, "random");
        run(readWrite, 1, "100000", new String[]{"pg"}, "random");
        run(jdbc1, 1, "100000", new String[]{"pg"}, "random");
        // 2 threads
        run(readWrite, 2, "1000", new String[]{"memory", "memory-cached"}, "hot", "random");
        run(map, 2, "1000", new String[]{"map"}, "hot", "random");
        run(readWrite, 2, "1000", new String[]{"h2"}, "hot", "random");
        run(jdbc, 2, "1000", new String[]{"h2"}, "hot", "random");
        run(readWrite, 2, "1000", new String[]{"pg"}, "hot", "random");
        run(jdbc, 2, "1000", new String[]{"pg"}, "hot", "random");
        // issue 16: version reads by stage, createSecret, and every JDBC row at 1e5 secrets
        String round2 = lib + "\\.(getLatest|getByStage|putVersion|createSecret|updateStage)$";
        for (String db : new String[]{"h2", "pg"}) {
            run(lib + "\\.(getByStage|createSecret)$", 1, "1000", new String[]{db}, "random");
            run(round2, 1, "100000", new String[]{db}, "random"); // baselines: the scale rows above
        }
        String cachedReads = lib + "\\.(getStage|getLatest)$";
        run(cachedReads, 1, "100000", new String[]{"memory", "h2-cached", "pg-cached"}, "random");
        // the production-like mix: 16 threads over 10,000 secrets, with and without the read cache, and bare
        plans.add(new Plan(MixedWorkloadBenchmark.class.getName() + "\\.mix$", 16, "10000",
                new String[]{"pg", "pg-cached", "bare"}, new String[]{"random"}, true));
    }

    private void run(Plan plan) throws Exception {
        int warmups = quick ? 1 : shortRuns ? 3 : 5;
        int measurements = quick ? 1 : shortRuns ? 3 : 4;
        ChainedOptionsBuilder o = new OptionsBuilder().include(plan.include())
                .param("store", plan.stores()).param("secrets", plan.secrets().split(","))
                .threads(plan.threads()).forks(1)
                .warmupIterations(warmups).warmupTime(TimeValue.milliseconds(quick ? 200 : 1000))
                .measurementIterations(measurements).measurementTime(TimeValue.milliseconds(quick ? 200 : 1000))
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .shouldFailOnError(true);
        if (!plan.sampleTime()) {
            o.param("access", plan.access());
        }
        for (RunResult r : new Runner(o.build()).run()) {
            var p = r.getParams();
            String op = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            var primary = r.getPrimaryResult();
            String access = plan.sampleTime() ? "random" : p.getParam("access");
            if (plan.sampleTime()) { // score: mean µs per call; throughput over all threads from it
                double mean = primary.getScore();
                rows.add(new Row(op, p.getParam("store"), Integer.parseInt(p.getParam("secrets")), access,
                        p.getThreads(), p.getThreads() * 1_000_000.0 / mean,
                        p.getThreads() * 1_000_000.0 * primary.getScoreError() / (mean * mean),
                        primary.getStatistics().getPercentile(50), primary.getStatistics().getPercentile(99)));
            } else {
                rows.add(new Row(op, p.getParam("store"), Integer.parseInt(p.getParam("secrets")), access,
                        p.getThreads(), primary.getScore(), primary.getScoreError(), Double.NaN, Double.NaN));
            }
        }
    }

    /** Retained heap per secret: 1e6 secrets of 3 versions with 32-byte values in the in-memory store. */
    static double footprint(int secrets) {
        long before = usedHeapAfterGc();
        InMemoryStageRepository repo = Fixtures.memory(secrets, false);
        long after = usedHeapAfterGc();
        if (repo.size() != secrets) {
            throw new IllegalStateException("fixture incomplete");
        }
        double perSecret = (after - before) / (double) secrets;
        System.out.printf(Locale.ROOT, "footprint: %d secrets, %.0f bytes each%n", secrets, perSecret);
        return perSecret;
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ------------------------------------------------------------------ report

    private Optional<Row> find(String op, String store, int secrets, String access, int threads) {
        return rows.stream().filter(r -> r.op.equals(op) && r.store.equals(store) && r.secrets == secrets
                && r.access.equals(access) && r.threads == threads).findFirst();
    }

    /** The baseline a library row is compared with: same data, access and threads. */
    private Optional<Row> baseline(Row r) {
        if (r.op.equals("mapGet") || r.op.startsWith("jdbc") || r.store.equals("bare")) {
            return Optional.empty();
        }
        if (r.op.equals("mix")) {
            return find("mix", "bare", r.secrets, r.access, r.threads);
        }
        boolean read = r.op.startsWith("get");
        if (r.store.startsWith("memory")) {
            return read ? find("mapGet", "map", r.secrets, r.access, r.threads) : Optional.empty();
        }
        String db = r.store.replace("-cached", "");
        return find(read ? "jdbcSelect" : "jdbcUpdate", db, r.secrets, r.access, r.threads);
    }

    private static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private String report(double bytesPerSecret, long minutes) {
        StringBuilder sb = new StringBuilder();
        sb.append("## The suite's last run\n\n");
        sb.append("Generated by `mvn -B -q -Pbench -DskipTests package` (benchmarks/BenchmarkSuite) on ")
                .append(Instant.now()).append(quick ? " with --quick (short runs: indicative only)" : "")
                .append(", in ").append(minutes).append(" min.\n\n");
        sb.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append("; JDK ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(")\n");
        sb.append("- JMH: 1 fork, ").append(quick ? "1x0.2 s warm-up, 1x0.2 s" : shortRuns ? "3x1 s warm-up, 3x1 s" : "5x1 s warm-up, 4x1 s")
                .append(" measurement per row; throughput in operations per second over all threads.\n");
        sb.append("- Stores: `memory` InMemoryStageRepository; `h2` JDBC on H2 in memory; `sqlite` JDBC on an SQLite")
                .append(" file (WAL, synchronous=FULL: an fsync per commit); `pg` JDBC on PostgreSQL on")
                .append(" loopback with **fsync=off, synchronous_commit=off** (as in the tests); `pg-durable` with")
                .append(" **fsync=on, synchronous_commit=on**; `-cached` = the manager's Caffeine cache (1 s staleness,")
                .append(" statistics not recorded: the default).")
                .append(" HikariCP pools of 4, auto-commit on. Logging at WARN.\n");
        sb.append("- Data: `secrets` secrets of 3 versions (32-byte values) touched hot (always the same secret) or")
                .append(" uniformly at random; putVersion runs on 1,000 other secrets held at the 20-version limit.")
                .append(" Each PostgreSQL server holds 100,000 secrets; H2 and memory hold exactly `secrets`.\n");
        sb.append("- Ratio: library throughput / its baseline's in the same run (same store, data, access, threads):")
                .append(" reads vs `mapGet` (memory: a ConcurrentHashMap get whose key is another String instance than the")
                .append(" stored one, as the library's lookups are) or a bare primary-key `jdbcSelect`; writes vs a bare single-row")
                .append(" `jdbcUpdate` + COMMIT.\n\n");

        sb.append("### Targets\n\n| target | measured | met |\n|---|---|---|\n");
        targets(sb, bytesPerSecret);

        sb.append("\n### Round trips per operation (PostgreSQL, auto-commit pool; pinned by RoundTripTest)\n\n")
                .append("Writes to a secret this manager wrote last skip the read (the write cache, on by default; a stale"
                        + " snapshot fails the revision check and costs one read and one retry); `pg` rows run with it,"
                        + " `-cached` rows with the read cache, which plays the same part.\n\n")
                .append("| operation | first write / no write cache | after this manager's own write | with the read cache |\n"
                        + "|---|---|---|---|\n")
                .append("| getStage, listStages, listVersions | 1 query | 1 query | 0 on a hit |\n")
                .append("| getVersion (by id, latest), getVersionByStage | 1 query (metadata, stages and that one version's"
                        + " value: StageRepository.loadVersion) | same | 0 on a hit |\n")
                .append("| updateStage, deleteStage | 1 query + 1 statement (CTE: revision check and stage rows) | 1 statement"
                        + " | 1 statement |\n")
                .append("| putVersion | 1 query + 1 statement (CTE: revision check and bump, version row, stage moves,"
                        + " R15 evictions), also at the version limit | 1 statement | 1 statement |\n")
                .append("| putVersion from a stale snapshot | statement (no row: lost race), query, statement | | |\n")
                .append("| createSecret | 1 statement (CTE, ON CONFLICT DO NOTHING) | same | same |\n")
                .append("| bare baselines | select: 1; update: update + commit = 2 | | |\n");

        sb.append("\n### All measurements\n\n| operation | store | secrets | access | threads | ops/s | ± | µs/op | baseline | ratio |"
                        + " p50 µs | p99 µs |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Optional<Row> b = baseline(r);
            sb.append("| ").append(r.op).append(" | ").append(r.store).append(" | ").append(r.secrets).append(" | ")
                    .append(r.access).append(" | ").append(r.threads).append(" | ").append(fmt(r.score)).append(" | ")
                    .append(fmt(r.error)).append(" | ").append(fmt(r.microsPerOp())).append(" | ")
                    .append(b.map(x -> x.op + " " + fmt(x.score)).orElse("")).append(" | ")
                    .append(b.map(x -> String.format(Locale.ROOT, "%.2f", r.score / x.score)).orElse("")).append(" | ")
                    .append(Double.isNaN(r.p50) ? "" : fmt(r.p50)).append(" | ")
                    .append(Double.isNaN(r.p99) ? "" : fmt(r.p99)).append(" |\n");
        }
        return sb.toString();
    }

    private void target(StringBuilder sb, String name, Optional<Row> row, double threshold) {
        if (row.isEmpty()) {
            sb.append("| ").append(name).append(" | not measured | - |\n");
            return;
        }
        Optional<Row> b = baseline(row.get());
        if (b.isEmpty()) {
            sb.append("| ").append(name).append(" | no baseline | - |\n");
            return;
        }
        double ratio = row.get().score / b.get().score;
        sb.append("| ").append(name).append(" | ").append(String.format(Locale.ROOT, "%.2f", ratio)).append("x (")
                .append(fmt(row.get().score)).append(" vs ").append(fmt(b.get().score)).append(" ops/s) | ")
                .append(ratio >= threshold ? "yes" : "**no**").append(" |\n");
    }

    private void targets(StringBuilder sb, double bytesPerSecret) {
        for (int secrets : new int[]{1000, 100_000, 1_000_000}) {
            for (String access : new String[]{"hot", "random"}) {
                for (int threads : new int[]{1, 2}) {
                    find("getStage", "memory", secrets, access, threads).ifPresent(r -> target(sb,
                            "memory getStage >= 0.5x map get (" + secrets + ", " + access + ", " + threads + "t)",
                            Optional.of(r), 0.5));
                }
            }
        }
        for (String access : new String[]{"hot", "random"}) {
            find("updateStage", "memory", 1000, access, 1).ifPresent(r -> sb.append("| memory updateStage >= 1M ops/s, 1 thread (")
                    .append(access).append(") | ").append(fmt(r.score)).append(" ops/s | ")
                    .append(r.score >= 1_000_000 ? "yes" : "**no**").append(" |\n"));
        }
        for (String store : new String[]{"h2-cached", "pg-cached"}) {
            for (String op : new String[]{"getStage", "getLatest"}) {
                for (String access : new String[]{"hot", "random"}) {
                    Optional<Row> cached = find(op, store, 1000, access, 1);
                    Optional<Row> memory = find(op, "memory", 1000, access, 1);
                    if (cached.isPresent() && memory.isPresent()) {
                        double ratio = cached.get().score / memory.get().score;
                        sb.append("| ").append(store).append(' ').append(op).append(" within 2x of memory (").append(access)
                                .append(") | ").append(String.format(Locale.ROOT, "%.2f", ratio)).append("x (")
                                .append(fmt(cached.get().score)).append(" vs ").append(fmt(memory.get().score))
                                .append(" ops/s) | ").append(ratio >= 0.5 ? "yes" : "**no**").append(" |\n");
                    }
                }
            }
        }
        for (String store : new String[]{"h2", "sqlite", "pg", "pg-durable"}) {
            for (int secrets : new int[]{1000, 100_000}) {
                for (String access : new String[]{"hot", "random"}) {
                    for (int threads : new int[]{1, 2}) {
                        String where = " (" + secrets + ", " + access + ", " + threads + "t)";
                        find("getStage", store, secrets, access, threads).ifPresent(r ->
                                target(sb, store + " getStage >= 0.8x bare SELECT" + where, Optional.of(r), 0.8));
                        find("updateStage", store, secrets, access, threads).ifPresent(r ->
                                target(sb, store + " updateStage >= 0.5x bare UPDATE tx" + where, Optional.of(r), 0.5));
                    }
                }
            }
        }
        // issue 16: the calls users make most, against the bare statements, at both sizes and on durable PostgreSQL
        for (String store : new String[]{"pg", "pg-durable", "h2"}) {
            boolean pg = store.startsWith("pg");
            for (int secrets : new int[]{1000, 100_000}) {
                String where = " (" + secrets + ", random, 1t)";
                for (String op : new String[]{"getLatest", "getByStage"}) {
                    find(op, store, secrets, "random", 1).ifPresent(r -> target(sb, store + " " + op + " >= "
                            + (pg ? "0.8" : "0.6") + "x bare SELECT" + where, Optional.of(r), pg ? 0.8 : 0.6));
                }
                find("putVersion", store, secrets, "random", 1).ifPresent(r -> target(sb, store + " putVersion >= "
                        + (pg ? "0.6" : "0.4") + "x bare UPDATE tx" + where, Optional.of(r), pg ? 0.6 : 0.4));
                if (pg) {
                    find("createSecret", store, secrets, "random", 1).ifPresent(r -> target(sb, store
                            + " createSecret >= 0.5x bare UPDATE tx" + where, Optional.of(r), 0.5));
                } else {
                    find("updateStage", store, secrets, "random", 1).ifPresent(r -> target(sb, store
                            + " updateStage >= 0.4x bare UPDATE tx" + where, Optional.of(r), 0.4));
                }
            }
        }
        sb.append("| retained heap per secret (memory store, 3 versions of 32 bytes) <= 2 KB | ")
                .append(Double.isNaN(bytesPerSecret) ? "not measured in this run | - |\n"
                        : String.format(Locale.ROOT, "%.0f bytes | %s |\n", bytesPerSecret,
                        bytesPerSecret <= 2048 ? "yes" : "**no**"));
    }

}
