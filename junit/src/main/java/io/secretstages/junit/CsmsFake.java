package io.secretstages.junit;

import io.secretstages.StageManager;
import io.secretstages.server.CsmsServer;

import java.util.Set;
import java.util.UUID;

/**
 * The server side of {@link CsmsEndpoint}: the only class of this module that touches {@code secret-stages-server},
 * so the module works without it when no test asks for an endpoint. Closed by JUnit with the test's store.
 */
final class CsmsFake implements AutoCloseable {
    static final String ACCESS_KEY = "test-ak";

    private final CsmsServer server;
    private final CsmsEndpoint endpoint;

    CsmsFake(StageManager manager, Set<String> projects) {
        String secretKey = "test-sk-" + UUID.randomUUID();
        this.server = CsmsServer.builder(manager).port(0)
                .accessKey(ACCESS_KEY, secretKey, projects.toArray(String[]::new)).build().start();
        this.endpoint = new CsmsEndpoint(server.endpoint(), ACCESS_KEY, secretKey, "test");
    }

    CsmsEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.close();
    }
}
