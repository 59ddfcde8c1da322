package io.secretstages.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a database, for the timeout tests: it forwards bytes both ways until told to
 * go {@linkplain #silence() silent} (it keeps every connection open and forwards nothing, as a frozen server or a
 * partition does, until {@link #recover()}: then what it held goes through, as TCP would deliver it), to
 * {@linkplain #dropAll() drop} every connection at once, or to drop them at the n-th chunk the clients send
 * ({@link #dropAtClientChunk}), before or after forwarding that chunk.
 */
final class FaultyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean silent;
    private final AtomicInteger chunksUntilDrop = new AtomicInteger(-1);
    private volatile boolean forwardDropped;

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

    void dropAll() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // a reset, as a crashed middlebox sends
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
    }

    /**
     * @param n drop every connection at the n-th chunk (1 = the next) a client sends from now on
     * @param forwardIt whether that chunk reaches the database first (a commit sent, its answer lost)
     */
    void dropAtClientChunk(int n, boolean forwardIt) {
        forwardDropped = forwardIt;
        chunksUntilDrop.set(n);
    }

    void disarm() {
        chunksUntilDrop.set(-1);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed, or the database refused: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (gate) {
                        while (silent) {
                            gate.wait();
                        }
                    }
                    boolean drop = fromClient && chunksUntilDrop.get() > 0 && chunksUntilDrop.decrementAndGet() == 0;
                    if (drop && forwardDropped) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                    if (drop) {
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
