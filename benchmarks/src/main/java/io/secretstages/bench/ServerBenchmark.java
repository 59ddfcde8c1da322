package io.secretstages.bench;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.server.CsmsApi;
import io.secretstages.server.CsmsRequest;
import io.secretstages.server.CsmsResponse;
import io.secretstages.server.CsmsServer;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The server over HTTP with keep-alive (S1): ShowSecretStage and ShowSecretVersion(latest) on the memory store or on
 * PostgreSQL, against a bare endpoint on the same transport answering the same bytes (the HTTP physical limit), on
 * Jetty (the chosen transport) and on the JDK's HttpServer; the same calls through the SDK's {@code CsmsClient}
 * (okhttp, AK/SK signing, Jackson); and, as {@code target=embedded}, the library's own call on the same store without
 * HTTP; and, as {@code target=sum}, that call and then the bare endpoint's answer in every invocation: the cost the
 * PostgreSQL target compares the server with ("the embedded call plus the bare endpoint's cost"), measured as one row
 * so that its two halves share a fork, a JIT state and a moment of the machine. Plain HTTP
 * calls authenticate with an {@code X-Auth-Token}. {@code store=pg} needs the {@code bench.pg.url} system property
 * (set by {@link ServerBenchmarkRun}, which starts PostgreSQL).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class ServerBenchmark {
    /** {@code jetty} (CsmsServer) or {@code jdk} (the JDK HttpServer). */
    @Param({"jetty", "jdk"})
    public String transport;
    /**
     * {@code server}: the CSMS API over a StageManager; {@code bare}: a constant answer of the same bytes;
     * {@code embedded}: the same StageManager call in this JVM, no HTTP (the client parameter is ignored);
     * {@code sum}: the embedded call, then the bare endpoint (both costs, one after the other).
     */
    @Param({"server", "bare", "embedded", "sum"})
    public String target;
    /** {@code memory}: the in-memory store; {@code pg}: the JDBC store on PostgreSQL (no read cache). */
    @Param({"memory", "pg"})
    public String store;
    /** {@code stage}: ShowSecretStage SYSCURRENT; {@code latest}: ShowSecretVersion latest. */
    @Param({"stage", "latest"})
    public String call;
    /** {@code http}: java.net.http with a token; {@code sdk}: the provider's CsmsClient, AK/SK signed. */
    @Param({"http", "sdk"})
    public String client;

    private AutoCloseable running;
    private HikariDataSource pool;
    private StageManager manager;
    private String secret;
    private HttpClient http;
    private HttpRequest request;
    private CsmsClient sdk;

    @Setup
    public void setUp() throws Exception {
        StageRepository repository;
        if (store.equals("pg")) {
            pool = Fixtures.pool(Fixtures.url("pg"), 32);
            repository = JdbcStageRepository.builder(pool).initializeSchema(true).build();
        } else {
            repository = new InMemoryStageRepository();
        }
        manager = StageManager.builder().repository(repository).build();
        secret = "s-" + UUID.randomUUID(); // each fork has its own secret on the shared PostgreSQL
        manager.createSecret("p1", secret, SecretValue.ofString("0123456789abcdef0123456789abcdef"));
        manager.putVersion("p1", secret, SecretValue.ofString("fedcba9876543210fedcba9876543210"));
        CsmsApi api = CsmsApi.builder(manager).accessKey("ak", "sk", "p1").token("bench-token", "p1").build();
        String path = call.equals("stage") ? "/v1/p1/secrets/" + secret + "/stages/SYSCURRENT"
                : "/v1/p1/secrets/" + secret + "/versions/latest";
        CsmsResponse answer = api.handle(new CsmsRequest("GET", path, "",
                Map.of("X-Auth-Token", List.of("bench-token")), new byte[0]));
        if (answer.status() != 200) {
            throw new IllegalStateException("setup call failed: " + answer.status());
        }
        URI endpoint;
        if (target.equals("embedded")) {
            running = () -> { };
            return;
        }
        if (transport.equals("jetty")) {
            if (target.equals("server")) {
                CsmsServer server = CsmsServer.builder(manager).accessKey("ak", "sk", "p1")
                        .token("bench-token", "p1").build().start();
                running = server;
                endpoint = server.endpoint();
            } else {
                BareJettyEndpoint bare = new BareJettyEndpoint(answer);
                running = bare;
                endpoint = bare.endpoint();
            }
        } else {
            JdkHttpServerTransport jdk = new JdkHttpServerTransport(target.equals("server") ? api::handle : r -> answer);
            running = jdk;
            endpoint = jdk.endpoint();
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        request = HttpRequest.newBuilder(URI.create(endpoint + path)).header("X-Auth-Token", "bench-token")
                .timeout(Duration.ofSeconds(30)).GET().build();
        sdk = CsmsClient.newBuilder()
                .withCredential(new BasicCredentials().withAk("ak").withSk("sk").withProjectId("p1"))
                .withEndpoint(endpoint.toString()).build();
    }

    @TearDown
    public void tearDown() throws Exception {
        running.close();
        if (pool != null) {
            pool.close();
        }
    }

    @Benchmark
    public Object invoke(Blackhole blackhole) throws Exception {
        if (target.equals("embedded")) {
            return embedded();
        }
        if (target.equals("sum")) {
            blackhole.consume(embedded()); // then the bare endpoint's round trip below
        }
        if (client.equals("http")) {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("status " + r.statusCode());
            }
            return r.body();
        }
        if (call.equals("stage")) {
            return sdk.showSecretStage(new ShowSecretStageRequest().withSecretName(secret).withStageName("SYSCURRENT"))
                    .getStage();
        }
        return sdk.showSecretVersion(new ShowSecretVersionRequest().withSecretName(secret).withVersionId("latest"))
                .getVersion();
    }

    private Object embedded() {
        return call.equals("stage") ? manager.getStage("p1", secret, "SYSCURRENT")
                : manager.getVersion("p1", secret, "latest");
    }
}
