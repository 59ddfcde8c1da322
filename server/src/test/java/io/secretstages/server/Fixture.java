package io.secretstages.server;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.http.HttpConfig;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import io.secretstages.tck.MutableClock;
import io.secretstages.tck.RecordingRepository;
import org.h2.jdbcx.JdbcDataSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A manager over a store (memory or in-memory H2), counted by a {@link RecordingRepository}, served by a
 * {@link CsmsServer} on a free port, with SDK clients for it. Test code.
 */
final class Fixture implements AutoCloseable {
    static final String AK = "test-ak";
    static final String SK = "test-sk-0123456789";
    static final String OTHER_AK = "other-ak";
    static final String OTHER_SK = "other-sk";
    static final String TOKEN = "test-token-abc";

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    final RecordingRepository store;
    final StageManager manager;
    final CsmsServer server;

    private Fixture(StageRepository repository, java.util.function.UnaryOperator<CsmsServer.Builder> extra) {
        this(repository, b -> b, extra);
    }

    private Fixture(StageRepository repository, java.util.function.UnaryOperator<StageManager.Builder> managerExtra,
                    java.util.function.UnaryOperator<CsmsServer.Builder> extra) {
        this.store = new RecordingRepository(repository);
        this.manager = managerExtra.apply(StageManager.builder().repository(store).clock(clock)).build();
        this.server = extra.apply(CsmsServer.builder(manager).port(0)
                .accessKey(AK, SK, "p1", "p2")
                .accessKey(OTHER_AK, OTHER_SK, "p3")
                .token(TOKEN, "p1")).build().start();
    }

    static Fixture memory() {
        return new Fixture(new InMemoryStageRepository(), b -> b);
    }

    static Fixture memory(java.util.function.UnaryOperator<CsmsServer.Builder> extra) {
        return new Fixture(new InMemoryStageRepository(), extra);
    }

    static Fixture withManager(java.util.function.UnaryOperator<StageManager.Builder> managerExtra) {
        return new Fixture(new InMemoryStageRepository(), managerExtra, b -> b);
    }

    /** @return a fixture over this store (for example an encrypting one), counted like the others */
    static Fixture over(StageRepository repository) {
        return new Fixture(repository, b -> b);
    }

    static Fixture h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:server-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return new Fixture(JdbcStageRepository.builder(ds).initializeSchema(true).build(), b -> b);
    }

    CsmsClient client(String project) {
        return client(AK, SK, project);
    }

    CsmsClient client(String ak, String sk, String project) {
        return sdkClient(server.endpoint().toString(), ak, sk, project, false);
    }

    static CsmsClient sdkClient(String endpoint, String ak, String sk, String project, boolean ignoreTls) {
        HttpConfig config = HttpConfig.getDefaultHttpConfig().withTimeout(20).withIgnoreSSLVerification(ignoreTls);
        return CsmsClient.newBuilder()
                .withCredential(new BasicCredentials().withAk(ak).withSk(sk).withProjectId(project))
                .withEndpoint(endpoint)
                .withHttpConfig(config)
                .build();
    }

    @Override
    public void close() {
        server.close();
    }
}
