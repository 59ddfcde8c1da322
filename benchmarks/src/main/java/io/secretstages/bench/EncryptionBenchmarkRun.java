package io.secretstages.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@link EncryptionBenchmark} (one fork per store, 5x1 s warm-up, 4x1 s measurement, 1 thread) on a PostgreSQL
 * it starts (fsync off, as {@link BenchmarkSuite}'s {@code pg}) and prints the rows of RESULTS.md's encryption
 * section: microseconds per operation and encrypted / plain throughput, then {@link AesGcmFloorBenchmark}'s rows (the
 * JDK's AES-GCM under a scheduled key, a fresh key, a fresh key then a fixed one; Tink's random bytes of a put), in
 * the same run, with the memory store's added cost per put in multiples of them. {@code --quick} shortens every
 * run; {@code --stores=memory,memory-encrypted} runs only those stores, {@code --ops=getLatest} only that operation
 * ({@code --ops=none}: the floor rows alone), {@code --no-floor} leaves the floor rows out, {@code --prof=gc}
 * (repeatable) adds a JMH profiler, and {@code --providers=jdk,conscrypt} runs every row once per JCE provider of
 * Tink's AES-GCM ({@link CryptoProviders}; the default is {@code jdk}).
 */
public final class EncryptionBenchmarkRun {
    private EncryptionBenchmarkRun() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off").start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            OptionsBuilder o = new OptionsBuilder();
            for (String arg : args) {
                if (arg.startsWith("--stores=")) {
                    o.param("store", arg.substring("--stores=".length()).split(","));
                } else if (arg.startsWith("--providers=")) {
                    o.param("provider", arg.substring("--providers=".length()).split(","));
                } else if (arg.startsWith("--prof=")) { // a JMH profiler: gc, stack, ...
                    o.addProfiler(arg.substring("--prof=".length()));
                }
            }
            String ops = List.of(args).stream().filter(a -> a.startsWith("--ops=")).findFirst()
                    .map(a -> a.substring("--ops=".length()).replace(',', '|')).orElse("getLatest|putVersion");
            o.include(EncryptionBenchmark.class.getName() + "\\.(" + ops + ")$");
            if (!List.of(args).contains("--no-floor")) {
                o.include(AesGcmFloorBenchmark.class.getName() + "\\.");
            }
            o
                    .forks(1).threads(1)
                    .warmupIterations(quick ? 1 : 5).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(quick ? 2 : 4).measurementTime(TimeValue.seconds(1))
                    .jvmArgsAppend("-Xmx2g", "-D" + Fixtures.PG_URL + "=" + url,
                            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            Map<String, double[]> scores = new TreeMap<>();
            for (RunResult r : new Runner(o.build()).run()) {
                String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
                String store = r.getParams().getParam("store");
                String provider = r.getParams().getParam("provider");
                scores.put((store == null ? op : op + " " + store) + " " + provider,
                        new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
            List<String> providers = scores.keySet().stream().map(k -> k.substring(k.lastIndexOf(' ') + 1))
                    .distinct().sorted(Comparator.reverseOrder()).toList(); // jdk first
            List<String> lines = new ArrayList<>();
            lines.add("| operation | store | provider | plain ops/s | encrypted ops/s | plain us/op | encrypted us/op "
                    + "| added us/op | encrypted / plain |");
            lines.add("|---|---|---|---|---|---|---|---|---|");
            for (String provider : providers) {
                for (String op : List.of("putVersion", "getLatest")) {
                    for (String store : List.of("memory", "h2", "pg")) {
                        double[] plain = scores.get(op + " " + store + " " + provider);
                        double[] enc = scores.get(op + " " + store + "-encrypted " + provider);
                        if (plain == null || enc == null) {
                            continue;
                        }
                        lines.add(String.format("| %s | %s | %s | %,.0f ± %,.0f | %,.0f ± %,.0f | %.2f | %.2f | %.2f "
                                        + "| %.2fx |", op, store, provider, plain[0], plain[1], enc[0], enc[1],
                                1e6 / plain[0], 1e6 / enc[0], 1e6 / enc[0] - 1e6 / plain[0], enc[0] / plain[0]));
                    }
                }
            }
            for (String provider : providers) {
                if (!scores.containsKey("sameKey " + provider)) {
                    continue;
                }
                double[] put = scores.get("putVersion memory " + provider);
                double[] putEncrypted = scores.get("putVersion memory-encrypted " + provider);
                lines.add("");
                lines.add("| AES-256-GCM of 32 bytes (" + provider + " Cipher) / Tink's random bytes | ops/s | us/op "
                        + "| memory put's added us/op in multiples of it |");
                lines.add("|---|---|---|---|");
                double added = put == null || putEncrypted == null ? Double.NaN
                        : 1e6 / putEncrypted[0] - 1e6 / put[0];
                for (String row : List.of("sameKey", "freshKey32", "freshKeyThenFixedKey", "tinkRandomOfAPut")) {
                    double[] floor = scores.get(row + " " + provider);
                    if (floor != null) {
                        lines.add(String.format("| %s | %,.0f ± %,.0f | %.2f | %.1fx |", row, floor[0], floor[1],
                                1e6 / floor[0], added / (1e6 / floor[0])));
                    }
                }
            }
            lines.forEach(System.out::println);
        }
    }
}
