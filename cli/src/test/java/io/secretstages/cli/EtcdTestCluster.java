package io.secretstages.cli;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real three-member etcd cluster on 127.0.0.1 for stagectl's tests, started from the {@code etcd} binary as
 * store-etcd's test harness ({@code EtcdCluster}) starts it: free ports, a fresh data directory, short election
 * timeouts; {@link #close()} kills every member and deletes the data, as does a shutdown hook if the JVM exits first.
 * (A copy of that harness's start-up, not of its fault tools: store-etcd's test classes are not published.)
 */
final class EtcdTestCluster implements AutoCloseable {
    /** Printed, and the reason, when the etcd tests are skipped. */
    static final String HOW_TO_ENABLE = "etcd not found on the PATH: stagectl's etcd tests are skipped "
            + "(install it with 'apt-get install etcd-server', or point -Detcd.binary=/path/to/etcd at one)";

    private final Path root;
    private final List<Process> members = new ArrayList<>();
    private final List<String> clientUrls = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAll, "stagectl-etcd-test-shutdown");

    /** @return the etcd binary: {@code -Detcd.binary}, else {@code etcd} on the PATH; empty if there is none */
    static Optional<String> binary() {
        String configured = System.getProperty("etcd.binary");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Paths.get(configured)) ? Optional.of(configured) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * Starts three members and waits (at most 30 s) until the cluster accepts a write.
     *
     * @return the running cluster
     */
    static EtcdTestCluster start() {
        EtcdTestCluster c = new EtcdTestCluster(binary().orElseThrow(() -> new IllegalStateException(HOW_TO_ENABLE)));
        try {
            c.awaitWritable(Duration.ofSeconds(30));
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private EtcdTestCluster(String etcd) {
        try {
            Path shm = Paths.get("/dev/shm");
            root = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "stagectl-etcd-") : Files.createTempDirectory("stagectl-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        List<Integer> ports = freePorts(6);
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            initial.append(i == 0 ? "" : ",").append("m").append(i).append("=http://127.0.0.1:").append(ports.get(2 * i + 1));
            clientUrls.add("http://127.0.0.1:" + ports.get(2 * i));
        }
        for (int i = 0; i < 3; i++) {
            String client = clientUrls.get(i);
            String peer = "http://127.0.0.1:" + ports.get(2 * i + 1);
            List<String> cmd = List.of(etcd, "--name", "m" + i, "--data-dir", root.resolve("m" + i).toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", root.getFileName().toString(),
                    "--heartbeat-interval", "50", "--election-timeout", "500", "--logger", "zap", "--log-level", "warn");
            try {
                members.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("m" + i + ".log").toFile()))
                        .start());
            } catch (IOException e) {
                killAll();
                throw new UncheckedIOException("cannot start " + etcd, e);
            }
        }
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            List<Integer> ports = new ArrayList<>();
            sockets.forEach(s -> ports.add(s.getLocalPort()));
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // freed anyway
                }
            }
        }
    }

    private void awaitWritable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Client client = client()) {
            ByteSequence key = ByteSequence.from("stagectl-test/ready", StandardCharsets.UTF_8);
            while (true) {
                try {
                    client.getKVClient().put(key, key).get(1, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the etcd cluster accepted no write within " + timeout, e);
                    }
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted", e);
                    }
                }
            }
        }
    }

    /** @return the members' client URLs, comma-separated, as {@code --etcd} takes them */
    String endpoints() {
        return String.join(",", clientUrls);
    }

    /** @return a new client of all members (the caller closes it) */
    Client client() {
        return Client.builder().endpoints(clientUrls.toArray(new String[0])).build();
    }

    private synchronized void killAll() {
        members.forEach(Process::destroyForcibly);
        for (Process p : members) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        members.clear();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a fresh temp directory
        }
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is shutting down, and the hook runs anyway
        }
    }
}
