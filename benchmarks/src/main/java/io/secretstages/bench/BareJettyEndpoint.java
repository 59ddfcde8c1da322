package io.secretstages.bench;

import io.secretstages.server.CsmsResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.nio.ByteBuffer;

/**
 * The HTTP physical limit for the server rows: Jetty configured as {@code CsmsServer} configures it (pool of 32,
 * no server or date header), answering every request with one constant response (the server's own answer to the
 * benchmarked call, same status, headers and body bytes), without reading anything. Benchmark code only.
 */
final class BareJettyEndpoint implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;

    BareJettyEndpoint(CsmsResponse constant) throws Exception {
        server = new Server(new QueuedThreadPool(32, 8));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        byte[] body = constant.body();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(constant.status());
                constant.headers().forEach((k, v) -> response.getHeaders().put(k, v));
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
