package io.secretstages.store.etcd.testcluster;

import io.etcd.jetcd.Client;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real etcd cluster for the tests: {@code n} members of the {@code etcd} binary (Debian's {@code etcd-server},
 * 3.4) on 127.0.0.1 with free ports and fresh data directories, short election timeouts so that a failover takes
 * about a second. Members can be killed ({@code SIGKILL}), frozen ({@code SIGSTOP}) and restarted on their data.
 * {@link #close()} kills every member and deletes the data; a shutdown hook does the same if the JVM exits first,
 * so no process outlives the test run.
 */
public final class EtcdCluster implements AutoCloseable {
    /** How to get the tests that need etcd to run: printed when they are skipped. */
    public static final String HOW_TO_ENABLE = "etcd not found on the PATH: the etcd tests are skipped "
            + "(install it with 'apt-get install etcd-server', or point -Detcd.binary=/path/to/etcd at one)";
    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"(\\d+)\"");
    private static final Pattern MEMBER = Pattern.compile("\"member_id\":\"(\\d+)\"");
    private static final Pattern REVISION = Pattern.compile("\"revision\":\"(\\d+)\"");

    private final String etcd;
    private final Path root;
    private final List<Member> members = new ArrayList<>();
    private final String initialCluster;
    private final Thread shutdownHook = new Thread(this::killAll, "etcd-cluster-shutdown");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final Path dataDir;
        Process process;

        Member(String name, int clientPort, int peerPort, Path dataDir) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.dataDir = dataDir;
        }

        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    /** @return the etcd binary: {@code -Detcd.binary}, else {@code etcd} on the PATH; empty if there is none */
    public static Optional<String> binary() {
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

    /** Skips the calling test (class) with {@link #HOW_TO_ENABLE} when there is no etcd binary. */
    public static void assumeEtcdInstalled() {
        boolean installed = binary().isPresent();
        if (!installed && !TOLD.getAndSet(true)) {
            System.out.println(HOW_TO_ENABLE); // once per run: surefire shows no reason for a skipped class
        }
        assumeTrue(installed, HOW_TO_ENABLE);
    }

    /**
     * Starts {@code size} members and waits (at most 30 s) until they have a leader.
     *
     * @param size the number of members
     * @return the running cluster
     */
    public static EtcdCluster start(int size) {
        EtcdCluster c = new EtcdCluster(binary().orElseThrow(() -> new IllegalStateException(HOW_TO_ENABLE)), size);
        try {
            for (int i = 0; i < size; i++) {
                c.startMember(i);
            }
            c.awaitLeader(Duration.ofSeconds(30));
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    private EtcdCluster(String etcd, int size) {
        this.etcd = etcd;
        try {
            Path shm = Paths.get("/dev/shm");
            // tmpfs when there is one: etcd fsyncs every commit, and the tests care about behaviour, not disks
            root = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "etcd-test-") : Files.createTempDirectory("etcd-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        List<Integer> ports = freePorts(2 * size);
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < size; i++) {
            Member m = new Member("m" + i, ports.get(2 * i), ports.get(2 * i + 1), root.resolve("m" + i));
            members.add(m);
            initial.append(i == 0 ? "" : ",").append(m.name).append('=').append(m.peerUrl());
        }
        initialCluster = initial.toString();
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                sockets.add(s);
            }
            List<Integer> ports = new ArrayList<>();
            for (ServerSocket s : sockets) {
                ports.add(s.getLocalPort());
            }
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

    /** @return the number of members */
    public int size() {
        return members.size();
    }

    /** @return every member's client URL */
    public List<String> endpoints() {
        List<String> out = new ArrayList<>();
        members.forEach(m -> out.add(m.clientUrl()));
        return out;
    }

    /** @return a new client of all members (the caller closes it) */
    public Client client() {
        return Client.builder().endpoints(endpoints().toArray(new String[0])).build();
    }

    /**
     * @param member a member index
     * @return a new client of that member only (the caller closes it)
     */
    public Client clientOf(int member) {
        return Client.builder().endpoints(members.get(member).clientUrl()).build();
    }

    /**
     * Starts (or restarts, on its data directory) one member.
     *
     * @param i the member index
     */
    public synchronized void startMember(int i) {
        Member m = members.get(i);
        if (m.process != null && m.process.isAlive()) {
            throw new IllegalStateException(m.name + " is running");
        }
        List<String> cmd = List.of(etcd,
                "--name", m.name,
                "--data-dir", m.dataDir.toString(),
                "--listen-client-urls", m.clientUrl(),
                "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(),
                "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", root.getFileName().toString(),
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap",
                "--log-level", "warn");
        try {
            m.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(m.name + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + etcd, e);
        }
    }

    /**
     * Kills a member with {@code SIGKILL} (no shutdown of any kind) and waits for it to be gone.
     *
     * @param i the member index
     */
    public synchronized void kill(int i) {
        Member m = members.get(i);
        if (m.process == null) {
            return;
        }
        m.process.destroyForcibly(); // SIGKILL on Linux
        try {
            if (!m.process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(m.name + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        m.process = null;
    }

    /**
     * Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) a member: it keeps its connections open but answers
     * nothing, the failure a deadline exists for.
     *
     * @param i the member index
     * @param frozen true to freeze, false to thaw
     */
    public synchronized void freeze(int i, boolean frozen) {
        Member m = members.get(i);
        try {
            Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(m.process.pid()))
                    .redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill " + (frozen ? "-STOP " : "-CONT ") + m.name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether member {@code i} runs */
    public synchronized boolean running(int i) {
        Member m = members.get(i);
        return m.process != null && m.process.isAlive();
    }

    /**
     * Polls the running members until one of them reports a leader that is also running.
     *
     * @param timeout how long to wait
     * @return the leader's member index
     */
    public int awaitLeader(Duration timeout) {
        int[] leader = {-1};
        awaitCondition(timeout, "a leader among the running members", () -> {
            leader[0] = leader();
            return leader[0] >= 0;
        });
        return leader[0];
    }

    /**
     * Polls until member {@code i} reports {@code revision} (or a later one) as applied: it caught up.
     *
     * @param i the member
     * @param revision the cluster revision it must have
     * @param timeout how long to wait
     */
    public void awaitCaughtUp(int i, long revision, Duration timeout) {
        awaitCondition(timeout, "member m" + i + " at revision " + revision, () -> {
            String status = status(i);
            Matcher r = REVISION.matcher(status == null ? "" : status);
            return r.find() && Long.parseLong(r.group(1)) >= revision;
        });
    }

    /** @return the highest revision a running member reports (the cluster's revision once they agree) */
    public long revision() {
        long max = 0;
        for (int i = 0; i < members.size(); i++) {
            String status = running(i) ? status(i) : null;
            Matcher r = REVISION.matcher(status == null ? "" : status);
            if (r.find()) {
                max = Math.max(max, Long.parseLong(r.group(1)));
            }
        }
        return max;
    }

    /** @return the index of the running member that running members agree is the leader, or -1 */
    public int leader() {
        for (int i = 0; i < members.size(); i++) {
            if (!running(i)) {
                continue;
            }
            String status = status(i);
            if (status == null) {
                continue;
            }
            Matcher l = LEADER.matcher(status);
            if (!l.find() || l.group(1).equals("0")) {
                continue;
            }
            for (int j = 0; j < members.size(); j++) {
                if (running(j) && l.group(1).equals(memberId(j))) {
                    return j;
                }
            }
        }
        return -1;
    }

    private String memberId(int i) {
        String status = status(i);
        if (status == null) {
            return null;
        }
        Matcher m = MEMBER.matcher(status);
        return m.find() ? m.group(1) : null;
    }

    /** @return member {@code i}'s maintenance status as JSON (etcd's gRPC gateway), or null if it does not answer */
    private String status(int i) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(members.get(i).clientUrl() + "/v3/maintenance/status"))
                .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Polls {@code condition} every 20 ms until it holds.
     *
     * @param timeout how long to wait
     * @param what what is awaited, for the failure message
     * @param condition the condition
     * @throws AssertionError if it does not hold in time
     */
    public static void awaitCondition(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20); // a polling interval, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    private synchronized void killAll() {
        for (Member m : members) {
            if (m.process != null) {
                m.process.destroyForcibly();
            }
        }
        for (Member m : members) {
            if (m.process != null) {
                try {
                    m.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                m.process = null;
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is a fresh temp directory
        }
    }

    /** Kills every member and deletes the data directories. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down, and the hook runs anyway
        }
    }
}
