package io.secretstages.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.secretstages.SecretValue;
import io.secretstages.Stage;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.etcd.EtcdStageRepository;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The etcd store against bare jetcd requests on the same three-member cluster (started in the fork, on loopback,
 * data on tmpfs): {@code getStage} against one linearizable get of the secret's key, {@code updateStage} against one
 * single-key compare-and-put transaction. Each thread works on a secret (and a baseline key) of its own, so the
 * rows measure the store's overhead, not contention. Run with {@code main} (1 and 4 threads).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class EtcdBenchmark {
    private static final String PROJECT = "bench";

    private final List<Process> members = new ArrayList<>();
    private Path root;
    Client client;
    KV kv;
    StageManager manager;

    /** Per thread: its secret, its baseline key and that key's last revision, and which version "blue" is on. */
    @State(Scope.Thread)
    public static class PerThread {
        String secret;
        ByteSequence key;
        ByteSequence value;
        long modRevision;
        boolean onV1;

        @Setup(Level.Trial)
        public void setUp(EtcdBenchmark b, ThreadParams t) throws Exception {
            secret = "s" + t.getThreadIndex();
            b.manager.createSecret(PROJECT, secret, SecretValue.ofString("one"));
            b.manager.putVersion(PROJECT, secret, SecretValue.ofString("two"), Set.of("pending"));
            key = ByteSequence.from("bare/" + secret, StandardCharsets.UTF_8);
            // the size of the secret's metadata document, so both sides move the same bytes
            value = ByteSequence.from(new byte[130]);
            modRevision = b.kv.put(key, value).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        }
    }

    @Setup(Level.Trial)
    public void startCluster() throws Exception {
        Path shm = Path.of("/dev/shm");
        root = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "etcd-bench-") : Files.createTempDirectory("etcd-bench-");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopCluster));
        int[] ports = new int[6];
        List<ServerSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            sockets.add(s);
            ports[i] = s.getLocalPort();
        }
        for (ServerSocket s : sockets) {
            s.close();
        }
        String initial = "m0=http://127.0.0.1:" + ports[1] + ",m1=http://127.0.0.1:" + ports[3]
                + ",m2=http://127.0.0.1:" + ports[5];
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String clientUrl = "http://127.0.0.1:" + ports[2 * i];
            String peerUrl = "http://127.0.0.1:" + ports[2 * i + 1];
            endpoints.add(clientUrl);
            members.add(new ProcessBuilder("etcd", "--name", "m" + i, "--data-dir", root.resolve("m" + i).toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", initial, "--initial-cluster-state", "new",
                    "--initial-cluster-token", root.getFileName().toString(), "--logger", "zap", "--log-level", "error")
                    .redirectErrorStream(true).redirectOutput(root.resolve("m" + i + ".log").toFile()).start());
        }
        client = Client.builder().endpoints(endpoints.toArray(new String[0])).build();
        kv = client.getKVClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) { // poll until the cluster has a leader and answers a linearizable read
            try {
                kv.get(ByteSequence.from("ping", StandardCharsets.UTF_8)).get(2, TimeUnit.SECONDS);
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the etcd cluster did not start", e);
                }
            }
        }
        manager = StageManager.builder().repository(EtcdStageRepository.builder(client).keyPrefix("ss/").build()).build();
    }

    @TearDown(Level.Trial)
    public void stopCluster() {
        if (client != null) {
            client.close();
            client = null;
        }
        for (Process p : members) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        members.clear();
        if (root != null && Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Benchmark
    public Stage getStage(PerThread t) {
        return manager.getStage(PROJECT, t.secret, Stages.SYSCURRENT);
    }

    @Benchmark
    public Object bareGet(PerThread t) throws Exception {
        return kv.get(t.key).get(10, TimeUnit.SECONDS);
    }

    @Benchmark
    public Stage updateStage(PerThread t) {
        t.onV1 = !t.onV1;
        return manager.updateStage(PROJECT, t.secret, "blue", t.onV1 ? "v1" : "v2");
    }

    @Benchmark
    public TxnResponse bareCompareAndPut(PerThread t) throws Exception {
        TxnResponse r = kv.txn().If(new Cmp(t.key, Cmp.Op.EQUAL, CmpTarget.modRevision(t.modRevision)))
                .Then(Op.put(t.key, t.value, PutOption.DEFAULT)).commit().get(10, TimeUnit.SECONDS);
        if (!r.isSucceeded()) {
            throw new IllegalStateException("the baseline key changed under its only writer");
        }
        t.modRevision = r.getHeader().getRevision();
        return r;
    }

    /**
     * Runs the four benchmarks at 1 and 4 threads and prints the rows and ratios as Markdown.
     *
     * @param args {@code --quick} for a smoke run
     * @throws Exception if JMH fails
     */
    /**
     * 3 s warm-up iterations per row ({@code -Dbench.warmup}, default 10): the gRPC and Netty paths are still compiling
     * after 10 s on 2 cores (throughput rising iteration after iteration), so a short warm-up measures the JIT.
     */
    private static final int WARMUP_ITERATIONS = Integer.getInteger("bench.warmup", 10);

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Map<String, Double> score = new HashMap<>();
        Map<String, Double> error = new HashMap<>();
        for (int threads : new int[]{1, 4}) {
            for (RunResult r : new Runner(new OptionsBuilder()
                    .include(EtcdBenchmark.class.getName() + "\\.(getStage|bareGet|updateStage|bareCompareAndPut)$")
                    .forks(1).threads(threads)
                    .warmupIterations(quick ? 1 : WARMUP_ITERATIONS).warmupTime(TimeValue.seconds(quick ? 1 : 3))
                    .measurementIterations(quick ? 1 : 5).measurementTime(TimeValue.seconds(quick ? 1 : 4))
                    .jvmArgs("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                    .build()).run()) {
                String name = r.getParams().getBenchmark().replaceAll(".*\\.", "") + "@" + threads;
                score.put(name, r.getPrimaryResult().getScore());
                error.put(name, r.getPrimaryResult().getScoreError());
            }
        }
        StringBuilder md = new StringBuilder("| operation | threads | library ops/s | bare etcd ops/s | ratio |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (String[] pair : new String[][]{{"getStage", "bareGet"}, {"updateStage", "bareCompareAndPut"}}) {
            for (int threads : new int[]{1, 4}) {
                double lib = score.get(pair[0] + "@" + threads);
                double bare = score.get(pair[1] + "@" + threads);
                md.append(String.format(Locale.ROOT, "| %s vs %s | %d | %,.0f ± %,.0f | %,.0f ± %,.0f | %.2fx |%n",
                        pair[0], pair[1], threads, lib, error.get(pair[0] + "@" + threads), bare,
                        error.get(pair[1] + "@" + threads), lib / bare));
            }
        }
        System.out.print(md);
    }
}
