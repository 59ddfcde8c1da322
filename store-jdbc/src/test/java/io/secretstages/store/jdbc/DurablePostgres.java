package io.secretstages.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An embedded PostgreSQL (zonky) on a data directory that outlives it, with {@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} on (zonky turns them off by default); {@link #kill} crashes it (SIGKILL of the
 * postmaster) and {@link #start} starts it again on the same directory and port, through crash recovery.
 */
public final class DurablePostgres implements AutoCloseable {
    private final Path data;
    private EmbeddedPostgres server;
    private int port;

    /** @param data the data directory (created by the first start) */
    public DurablePostgres(Path data) throws IOException {
        this.data = data;
        start();
    }

    /** Starts the server on the data directory (and, after the first start, on the same port). */
    public void start() throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (port != 0) {
            b.setPort(port);
        }
        server = b.start();
        port = server.getPort();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** SIGKILL of the postmaster (its pid is the first line of postmaster.pid); waits until its backends exit. */
    public void kill() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (postmaster.isAlive() || backends.stream().anyMatch(ProcessHandle::isAlive)) {
            if (System.nanoTime() > deadline) {
                backends.forEach(ProcessHandle::destroyForcibly); // orphans past their time: gone
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        server.close(); // its stop fails (nothing runs); this releases zonky's lock on the directory
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
