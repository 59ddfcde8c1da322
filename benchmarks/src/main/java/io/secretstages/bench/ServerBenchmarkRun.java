package io.secretstages.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs {@link ServerBenchmark} with 1 and 16 client threads and prints the RESULTS.md section (a markdown table with
 * each row's ratio to its bare endpoint on the same transport, client and thread count). Short by design: 2x1 s
 * warm-up and 3x1 s measurement per row, one fork.
 */
public final class ServerBenchmarkRun {
    private ServerBenchmarkRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Double> score = new TreeMap<>();
        for (int threads : new int[] {1, 16}) {
            Options options = new OptionsBuilder().include(ServerBenchmark.class.getSimpleName())
                    .forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1)).threads(threads)
                    .jvmArgsAppend("-Dsun.net.httpserver.nodelay=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            for (RunResult r : results) {
                Map<String, String> p = new TreeMap<>();
                for (String key : r.getParams().getParamsKeys()) {
                    p.put(key, r.getParams().getParam(key));
                }
                score.put(key(p.get("transport"), p.get("client"), p.get("call"), threads, p.get("target")),
                        r.getPrimaryResult().getScore());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("| transport | client | call | threads | server ops/s | bare ops/s | server / bare |");
        lines.add("|---|---|---|---|---|---|---|");
        for (String transport : List.of("jetty", "jdk")) {
            for (String client : List.of("http", "sdk")) {
                for (String call : List.of("stage", "latest")) {
                    for (int threads : new int[] {1, 16}) {
                        Double server = score.get(key(transport, client, call, threads, "server"));
                        Double bare = score.get(key(transport, client, call, threads, "bare"));
                        if (server != null && bare != null) {
                            lines.add(String.format("| %s | %s | %s | %d | %,.0f | %,.0f | %.2fx |", transport, client,
                                    call, threads, server, bare, server / bare));
                        }
                    }
                }
            }
        }
        lines.forEach(System.out::println);
    }

    private static String key(String transport, String client, String call, int threads, String target) {
        return transport + "/" + client + "/" + call + "/" + threads + "/" + target;
    }
}
