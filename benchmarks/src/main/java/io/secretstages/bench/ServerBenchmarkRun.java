package io.secretstages.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@link ServerBenchmark} with 1 and 16 client threads and prints the RESULTS.md section: each server row's ratio
 * to its bare endpoint on the same transport, client and thread count (memory store), and the PostgreSQL rows against
 * the library's own embedded call plus the bare endpoint's cost, measured as one row ({@code target=sum}: both in each
 * invocation). Starts PostgreSQL on loopback (fsync off, as in the suite's {@code pg} rows). One fork per row, 60x1 s
 * warm-up and 10x1 s measurement ({@code -Dbench.warmup}, {@code -Dbench.measure}); {@code --targets-only} leaves out
 * the JDK transport, the SDK on PostgreSQL and the embedded calls alone (the rows issue 14's targets do not need).
 */
public final class ServerBenchmarkRun {
    /**
     * Warm-up seconds per row. With 16 client threads, 32 server threads and PostgreSQL's backends busy on 2 cores the
     * JIT's compiler threads get little CPU: the server over PostgreSQL rose from ~2,000 to ~7,500 calls/s over the
     * first 60 s (measured 2026-12-02; after 20 s it was at half its final rate), so a shorter warm-up measures the JIT.
     */
    private static final int WARMUP = Integer.getInteger("bench.warmup", 60);
    private static final int MEASURE = Integer.getInteger("bench.measure", 10);

    private ServerBenchmarkRun() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off").setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off").setServerConfig("max_connections", "300").start()) {
            String url = pg.getJdbcUrl("postgres", "postgres");
            Map<String, Double> score = new TreeMap<>();
            boolean targetsOnly = List.of(args).contains("--targets-only");
            for (int threads : new int[] {1, 16}) {
                // memory: server and bare endpoint, both clients on Jetty, plain HTTP on the JDK server
                run(score, threads, url, new String[] {"jetty"}, new String[] {"server", "bare"},
                        new String[] {"memory"}, new String[] {"http", "sdk"});
                if (!targetsOnly) {
                    run(score, threads, url, new String[] {"jdk"}, new String[] {"server", "bare"},
                            new String[] {"memory"}, new String[] {"http"});
                }
                // PostgreSQL: the server on the chosen transport, and the embedded call then the bare endpoint
                run(score, threads, url, new String[] {"jetty"}, new String[] {"server", "sum"},
                        new String[] {"pg"}, targetsOnly ? new String[] {"http"} : new String[] {"http", "sdk"});
                if (!targetsOnly) { // the library's own call alone, no HTTP: where a client's time goes
                    run(score, threads, url, new String[] {"jetty"}, new String[] {"embedded"},
                            new String[] {"memory", "pg"}, new String[] {"http"});
                }
            }
            print(score);
        }
    }

    private static void run(Map<String, Double> score, int threads, String url, String[] transports, String[] targets,
                            String[] stores, String[] clients) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder().include(ServerBenchmark.class.getName() + "\\.invoke$")
                .param("transport", transports).param("target", targets).param("store", stores)
                .param("client", clients)
                .forks(1).warmupIterations(WARMUP).warmupTime(TimeValue.seconds(1))
                .measurementIterations(MEASURE).measurementTime(TimeValue.seconds(1)).threads(threads)
                .jvmArgsAppend("-Dsun.net.httpserver.nodelay=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-D" + Fixtures.PG_URL + "=" + url);
        for (RunResult r : new Runner(o.build()).run()) {
            Map<String, String> p = new TreeMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                p.put(key, r.getParams().getParam(key));
            }
            score.put(key(p.get("store"), p.get("transport"), p.get("client"), p.get("call"), threads, p.get("target")),
                    r.getPrimaryResult().getScore());
        }
    }

    private static void print(Map<String, Double> score) {
        List<String> lines = new ArrayList<>();
        lines.add("| store | transport | client | call | threads | server ops/s | bare ops/s | server / bare |");
        lines.add("|---|---|---|---|---|---|---|---|");
        for (String transport : List.of("jetty", "jdk")) {
            for (String client : List.of("http", "sdk")) {
                for (String call : List.of("stage", "latest")) {
                    for (int threads : new int[] {1, 16}) {
                        Double server = score.get(key("memory", transport, client, call, threads, "server"));
                        Double bare = score.get(key("memory", transport, client, call, threads, "bare"));
                        if (server != null && bare != null) {
                            lines.add(String.format("| memory | %s | %s | %s | %d | %,.0f | %,.0f | %.2fx |",
                                    transport, client, call, threads, server, bare, server / bare));
                        }
                    }
                }
            }
        }
        lines.add("");
        lines.add("| store | client | call | threads | server ops/s | embedded then bare (sum), ops/s | server / sum "
                + "| server / (1 / (1/embedded + 1/bare)), separate rows |");
        lines.add("|---|---|---|---|---|---|---|---|");
        for (String client : List.of("http", "sdk")) {
            for (String call : List.of("stage", "latest")) {
                for (int threads : new int[] {1, 16}) {
                    Double server = score.get(key("pg", "jetty", client, call, threads, "server"));
                    Double sum = score.get(key("pg", "jetty", client, call, threads, "sum"));
                    Double embedded = score.get(key("pg", "jetty", "http", call, threads, "embedded"));
                    Double bare = score.get(key("memory", "jetty", client, call, threads, "bare"));
                    if (server != null && sum != null) {
                        // the earlier reading: the two parts measured alone, in separate forks (full run only)
                        String parts = embedded == null || bare == null ? "-"
                                : String.format("%.2fx", server * (1 / embedded + 1 / bare));
                        lines.add(String.format("| pg | %s | %s | %d | %,.0f | %,.0f | %.2fx | %s |", client, call,
                                threads, server, sum, server / sum, parts));
                    }
                }
            }
        }
        List<String> alone = new ArrayList<>();
        for (String store : List.of("memory", "pg")) {
            for (String call : List.of("stage", "latest")) {
                for (int threads : new int[] {1, 16}) {
                    Double embedded = score.get(key(store, "jetty", "http", call, threads, "embedded"));
                    if (embedded != null) {
                        alone.add(String.format("| %s | %s | %d | %,.0f |", store, call, threads, embedded));
                    }
                }
            }
        }
        if (!alone.isEmpty()) { // the library's own call, no HTTP
            lines.add("");
            lines.add("| store | call | threads | embedded alone, ops/s |");
            lines.add("|---|---|---|---|");
            lines.addAll(alone);
        }
        lines.forEach(System.out::println);
    }

    private static String key(String store, String transport, String client, String call, int threads, String target) {
        return store + "/" + transport + "/" + client + "/" + call + "/" + threads + "/" + target;
    }
}
