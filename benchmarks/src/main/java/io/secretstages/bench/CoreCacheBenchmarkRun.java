package io.secretstages.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link CoreCacheBenchmark} (1 thread, one fork per row, 3x1 s warm-up, 5x1 s measurement; {@code --quick}:
 * 1 and 2) and prints its rows with their ratios: getStage against the map get, the read cache's default ticker
 * against {@code System::nanoTime}, and the write cache on against off.
 */
public final class CoreCacheBenchmarkRun {
    private CoreCacheBenchmarkRun() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Map<String, double[]> scores = new LinkedHashMap<>();
        run(scores, quick, "mapGet", "map");
        run(scores, quick, "getStage", "memory", "memory-cached", "memory-cached-nanotime");
        run(scores, quick, "(updateStage|putVersion)", "memory", "memory-nowc");
        List<String> out = new ArrayList<>();
        out.add("| operation | store | access | ops/s | ratio |");
        out.add("|---|---|---|---|---|");
        for (String access : List.of("hot", "random")) {
            double map = score(scores, "mapGet map " + access);
            row(out, scores, "getStage memory " + access, map, "x map get");
            row(out, scores, "getStage memory-cached " + access, map, "x map get");
            row(out, scores, "getStage memory-cached-nanotime " + access, map, "x map get");
            row(out, scores, "getStage memory-cached " + access,
                    score(scores, "getStage memory-cached-nanotime " + access), "x the nanoTime ticker");
            for (String op : List.of("updateStage", "putVersion")) {
                row(out, scores, op + " memory " + access, score(scores, op + " memory-nowc " + access),
                        "x write cache off");
                row(out, scores, op + " memory-nowc " + access, Double.NaN, "");
            }
            row(out, scores, "mapGet map " + access, Double.NaN, "");
        }
        out.forEach(System.out::println);
    }

    private static void run(Map<String, double[]> scores, boolean quick, String methods, String... stores)
            throws Exception {
        OptionsBuilder o = new OptionsBuilder();
        o.include(CoreCacheBenchmark.class.getName() + "\\." + methods + "$")
                .param("store", stores)
                .forks(1).threads(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        for (RunResult r : new Runner(o.build()).run()) {
            String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            scores.put(op + " " + r.getParams().getParam("store") + " " + r.getParams().getParam("access"),
                    new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
    }

    private static double score(Map<String, double[]> scores, String key) {
        double[] s = scores.get(key);
        return s == null ? Double.NaN : s[0];
    }

    private static void row(List<String> out, Map<String, double[]> scores, String key, double base, String what) {
        double[] s = scores.get(key);
        if (s == null) {
            return;
        }
        String[] k = key.split(" ");
        String ratio = Double.isNaN(base) ? "" : String.format("%.2f%s", s[0] / base, what);
        out.add(String.format("| %s | %s | %s | %,.0f ± %,.0f | %s |", k[0], k[1], k[2], s[0], s[1], ratio));
    }
}
