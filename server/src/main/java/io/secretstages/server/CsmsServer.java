package io.secretstages.server;

import io.secretstages.StageManager;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A CSMS-compatible HTTP server (docs/rules.md, S1-S9) over a {@link StageManager}: programs using the provider's official SDK
 * talk to it unchanged. It serves {@link CsmsApi} on Jetty (no servlets), on 127.0.0.1 unless told otherwise, over
 * http or, with a key store, https.
 *
 * <pre>{@code
 * try (CsmsServer server = CsmsServer.builder(manager).port(0).accessKey("AK", "SK", "my-project").build().start()) {
 *     URI endpoint = server.endpoint();   // give it to CsmsClient.newBuilder().withEndpoint(...)
 * }
 * }</pre>
 *
 * <p>Robustness: request bodies are capped at {@link CsmsApi#MAX_BODY_BYTES} while reading and must arrive within
 * the body timeout; idle connections are closed after the idle timeout and hold no thread meanwhile; requests run on
 * a bounded pool; {@link #close()} stops accepting, lets in-flight requests finish (up to the shutdown timeout) and
 * then stops.
 */
public final class CsmsServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CsmsServer.class);
    private final Builder settings;
    private final CsmsApi api;
    private Server jetty;
    private ServerConnector connector;
    private JettyCsmsHandler handler;
    private ScheduledExecutorService timer;
    private volatile URI endpoint;

    private CsmsServer(Builder settings) {
        this.settings = settings;
        this.api = settings.api.build();
    }

    /**
     * @param manager the manager every operation calls
     * @return a builder
     */
    public static Builder builder(StageManager manager) {
        return new Builder(manager);
    }

    /** Where to listen, who may call, and the limits. */
    public static final class Builder {
        private final CsmsApi.Builder api;
        private int port;
        private String host = "127.0.0.1";
        private KeyStore keyStore;
        private char[] keyStorePassword;
        private int threads = 32;
        private int maxConnections = 4096;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration bodyTimeout = Duration.ofSeconds(10);
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder(StageManager manager) {
            this.api = CsmsApi.builder(manager);
        }

        /**
         * @param port the TCP port; 0 (the default) picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 to 65535");
            }
            this.port = port;
            return this;
        }

        /**
         * @param host the address to bind (default {@code 127.0.0.1})
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Accepts requests signed with this AK/SK pair for these projects (S4, S5).
         *
         * @param accessKey the access key (AK)
         * @param secretKey the secret key (SK)
         * @param projectIds the projects it may read and change
         * @return this builder
         */
        public Builder accessKey(String accessKey, String secretKey, String... projectIds) {
            api.accessKey(accessKey, secretKey, projectIds);
            return this;
        }

        /**
         * Accepts requests carrying this {@code X-Auth-Token} for these projects (S4, S5).
         *
         * @param token the token
         * @param projectIds the projects it may read and change
         * @return this builder
         */
        public Builder token(String token, String... projectIds) {
            api.token(token, projectIds);
            return this;
        }

        /**
         * @param clock the clock request signatures are dated against (default the system UTC clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            api.clock(clock);
            return this;
        }

        /**
         * Serves https with the first key entry of this key store.
         *
         * @param keyStore a key store holding the server's private key and certificate
         * @param password the key store's (and key's) password
         * @return this builder
         */
        public Builder tls(KeyStore keyStore, char[] password) {
            this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.keyStorePassword = password.clone();
            return this;
        }

        /**
         * @param threads the most threads serving requests (default 32; at least 8, Jetty keeps some for I/O)
         * @return this builder
         */
        public Builder threads(int threads) {
            if (threads < 8) {
                throw new IllegalArgumentException("at least 8 threads");
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param maxConnections the most open connections (default 4096); past it, new ones wait to be accepted
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("at least one connection");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * @param idle how long a connection may stay silent (default 30 s)
         * @param body how long a request body may take to arrive (default 10 s): a slower one gets 408
         * @param shutdown how long {@link CsmsServer#close()} waits for in-flight requests (default 10 s; zero: not at
         *                 all)
         * @return this builder
         * @throws IllegalArgumentException if {@code idle} or {@code body} is not positive (Jetty would read zero as
         *                                  "never": a silent client would hold its connection and thread for good), or
         *                                  {@code shutdown} is negative
         */
        public Builder timeouts(Duration idle, Duration body, Duration shutdown) {
            Objects.requireNonNull(idle, "idle");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(shutdown, "shutdown");
            if (idle.isZero() || idle.isNegative() || body.isZero() || body.isNegative()) {
                throw new IllegalArgumentException("the idle and body timeouts must be positive (" + idle + ", " + body
                        + "): a server without them waits for a silent client forever");
            }
            if (shutdown.isNegative()) {
                throw new IllegalArgumentException("the shutdown timeout must not be negative: " + shutdown);
            }
            this.idleTimeout = idle;
            this.bodyTimeout = body;
            this.shutdownTimeout = shutdown;
            return this;
        }

        /** @return the server, not started */
        public CsmsServer build() {
            return new CsmsServer(this);
        }
    }

    /**
     * Binds and starts serving.
     *
     * @return this server
     * @throws IllegalStateException if it is already started, or cannot bind
     */
    public synchronized CsmsServer start() {
        if (jetty != null) {
            throw new IllegalStateException("already started");
        }
        QueuedThreadPool pool = new QueuedThreadPool(settings.threads, Math.min(8, settings.threads));
        pool.setName("csms-server");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // names are checked by the manager; let every path reach the API so refusals have the CSMS shape
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector;
        if (settings.keyStore != null) {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStore(settings.keyStore);
            tls.setKeyStorePassword(new String(settings.keyStorePassword));
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(settings.host);
        connector.setPort(settings.port);
        connector.setIdleTimeout(settings.idleTimeout.toMillis());
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections, connector));
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "csms-server-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true); // a body that arrived in time leaves no task behind for 10 s
        JettyCsmsHandler handler = new JettyCsmsHandler(api, deadlines, settings.bodyTimeout);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (Exception e) {
            deadlines.shutdownNow();
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing: the start failure is what the caller needs
            }
            throw new IllegalStateException("cannot start the server on " + settings.host + ":" + settings.port, e);
        }
        jetty = server;
        this.connector = connector;
        this.handler = handler;
        timer = deadlines;
        String scheme = settings.keyStore != null ? "https" : "http";
        String hostPart = settings.host.contains(":") ? "[" + settings.host + "]" : settings.host;
        endpoint = URI.create(scheme + "://" + hostPart + ":" + connector.getLocalPort());
        return this;
    }

    /**
     * @return the base URI clients call, for example {@code http://127.0.0.1:41234}
     * @throws IllegalStateException if not started
     */
    public URI endpoint() {
        URI started = endpoint; // not synchronized: readable while close() drains
        if (started == null) {
            throw new IllegalStateException("not started");
        }
        return started;
    }

    /** @return the transport-free API this server serves */
    public CsmsApi api() {
        return api;
    }

    private void stopNow() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server", e);
        }
    }

    /**
     * Stops accepting connections, answers new requests on open connections with 503, waits for the requests in
     * flight to finish (up to the shutdown timeout), then stops. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        try {
            connector.close(); // no new connections
            if (!handler.drain(settings.shutdownTimeout)) {
                LOG.warn("requests still in flight after {}; stopping anyway", settings.shutdownTimeout);
            }
            jetty.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopNow();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server", e);
        } finally {
            timer.shutdownNow();
            jetty = null;
        }
    }
}
