package io.secretstages.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a database, for the timeout tests: it forwards bytes both ways until told to
 * go {@linkplain #silence() silent} (it keeps every connection open and forwards nothing, as a frozen server or a
 * partition does, until {@link #recover()}: then what it held goes through, as TCP would deliver it), to
 * {@linkplain #dropAll() drop} every connection at once, or to drop them at the n-th chunk the clients send
 * ({@link #dropAtClientChunk}) or at the first one holding a text ({@link #dropAtClientChunkContaining}), before or
 * after forwarding that chunk.
 */
final class FaultyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final List<Socket> upstreams = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean silent;
    private final AtomicInteger chunksUntilDrop = new AtomicInteger(-1);
    private volatile boolean forwardDropped;
    private volatile String dropMarker;
    /** How many armed drops (by chunk count or marker) have happened. */
    private final AtomicInteger armedDrops = new AtomicInteger();

    FaultyProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void silence() {
        synchronized (gate) {
            silent = true;
        }
    }

    void recover() {
        synchronized (gate) {
            silent = false;
            gate.notifyAll();
        }
    }

    /** Resets every client's connection; the database's side is closed after what was forwarded to it. */
    void dropAll() {
        for (Socket s : clients) {
            try {
                s.setSoLinger(true, 0); // a reset, as a crashed middlebox sends
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        upstreams.forEach(FaultyProxy::closeQuietly);
        clients.clear();
        upstreams.clear();
    }

    /**
     * @param n drop every connection at the n-th chunk (1 = the next) a client sends from now on
     * @param forwardIt whether that chunk reaches the database first (a commit sent, its answer lost)
     */
    void dropAtClientChunk(int n, boolean forwardIt) {
        forwardDropped = forwardIt;
        chunksUntilDrop.set(n);
    }

    /**
     * @param marker drop every connection at the next chunk a client sends that contains this ASCII text (such as
     *               {@code COMMIT}, which pgjdbc sends as query text)
     * @param forwardIt whether that chunk reaches the database first
     */
    void dropAtClientChunkContaining(String marker, boolean forwardIt) {
        forwardDropped = forwardIt;
        dropMarker = marker;
    }

    /** @return how many armed drops ({@link #dropAtClientChunk}, {@link #dropAtClientChunkContaining}) happened */
    int armedDrops() {
        return armedDrops.get();
    }

    void disarm() {
        chunksUntilDrop.set(-1);
        dropMarker = null;
    }

    /**
     * @param tail the end of the previous chunk from the same client (a marker may straddle two reads), or ""
     */
    private boolean dropsAt(byte[] buffer, int n, String tail) {
        String marker = dropMarker;
        // only an occurrence that ends in this chunk: one wholly in the tail was seen (and let pass) already
        if (marker != null && (tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1))
                .indexOf(marker, Math.max(0, tail.length() - marker.length() + 1)) >= 0) {
            dropMarker = null;
            return true;
        }
        return chunksUntilDrop.get() > 0 && chunksUntilDrop.decrementAndGet() == 0;
    }

    /** @return the last bytes of a chunk, as many as a marker could need from it */
    private static String tailOf(byte[] buffer, int n) {
        int keep = Math.min(n, 64);
        return new String(buffer, n - keep, keep, StandardCharsets.ISO_8859_1);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                clients.add(client);
                upstreams.add(upstream);
                AtomicBoolean cut = new AtomicBoolean(); // set by the client's side when it drops this connection
                pump(client, upstream, true, cut);
                pump(upstream, client, false, cut);
            } catch (IOException e) {
                // closed, or the database refused: the client sees its connection end
            }
        }
    }

    /**
     * Forwards one direction of a connection. A drop marks the connection {@code cut} before it forwards the dropped
     * chunk (when it does), and the database's side forwards nothing once it is cut: the answer to a forwarded chunk
     * can never reach the client before the drop closes the connection (it did when this thread was descheduled
     * between the forward and the close: the call succeeded although its connection was dropped).
     */
    private void pump(Socket from, Socket to, boolean fromClient, AtomicBoolean cut) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                String tail = "";
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (gate) {
                        while (silent) {
                            gate.wait();
                        }
                    }
                    if (!fromClient && cut.get()) {
                        return; // the client's side dropped this connection: its answer is lost with it
                    }
                    boolean drop = fromClient && dropsAt(buffer, n, tail);
                    tail = fromClient ? tailOf(buffer, n) : "";
                    if (drop) {
                        cut.set(true); // before the forward: its answer must find the connection cut
                        if (forwardDropped) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                        armedDrops.incrementAndGet();
                        dropAll();
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // a side closed: close the other
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        recover();
        dropAll();
    }
}
