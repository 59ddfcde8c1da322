package io.secretstages.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.secretstages.server.CsmsApi;
import io.secretstages.server.CsmsRequest;
import io.secretstages.server.CsmsResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The transport candidate that lost (see the README): {@link CsmsApi} on the JDK's {@code HttpServer}, with
 * {@code -Dsun.net.httpserver.nodelay=true} (without it each response waits ~40 ms for the client's delayed ACK, as
 * the server writes headers and body separately). Benchmark code only.
 */
final class JdkHttpServerTransport implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(32);

    /** @param handler the CsmsApi's handle, or a bare endpoint's constant answer */
    JdkHttpServerTransport(Function<CsmsRequest, CsmsResponse> handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(pool);
        server.createContext("/", exchange -> serve(exchange, handler));
        server.start();
    }

    private static void serve(HttpExchange exchange, Function<CsmsRequest, CsmsResponse> handler) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(CsmsApi.MAX_BODY_BYTES + 1);
            }
            URI uri = exchange.getRequestURI();
            CsmsResponse r = handler.apply(new CsmsRequest(exchange.getRequestMethod(), uri.getRawPath(),
                    uri.getRawQuery(), exchange.getRequestHeaders(), body));
            r.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = r.body();
            exchange.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
