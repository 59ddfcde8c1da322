package io.secretstages.server;

import com.huaweicloud.sdk.core.exception.SdkException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport under abuse: 500 idle connections and bodies trickling at 1 byte/s do not stop other clients being
 * served by a pool of 8 threads; a trickling body gets 408 at its deadline; close() finishes a request in flight;
 * https with a key store, through the SDK.
 */
class TransportTest {
    private static void sdkCalls(Fixture f, int n) {
        CsmsClient client = f.client("p1");
        String name = "busy" + System.nanoTime();
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name).withSecretString("v")));
        for (int i = 0; i < n; i++) {
            assertEquals("v1", client.showSecretStage(new ShowSecretStageRequest().withSecretName(name)
                    .withStageName("SYSCURRENT")).getStage().getVersionId());
        }
    }

    private static Socket connect(Fixture f) throws IOException {
        Socket s = new Socket(f.server.endpoint().getHost(), f.server.endpoint().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    @Test
    void theBuilderRefusesTimeoutsThatWouldNeverEnd() {
        CsmsServer.Builder b = CsmsServer.builder(
                StageManager.builder().repository(new InMemoryStageRepository()).build());
        Duration s = Duration.ofSeconds(1);
        for (Duration never : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            assertThrows(IllegalArgumentException.class, () -> b.timeouts(never, s, s), "idle " + never);
            assertThrows(IllegalArgumentException.class, () -> b.timeouts(s, never, s), "body " + never);
        }
        assertThrows(IllegalArgumentException.class, () -> b.timeouts(s, s, Duration.ofSeconds(-1)), "shutdown < 0");
        b.timeouts(s, s, Duration.ZERO); // closing without waiting for requests in flight is a choice
    }

    @Test
    void fiveHundredIdleConnectionsDoNotStopOthers() throws IOException {
        try (Fixture f = Fixture.memory(b -> b.threads(8))) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 500; i++) {
                    idle.add(connect(f));
                }
                sdkCalls(f, 20);
                assertFalse(idle.get(0).isClosed());
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void tricklingBodiesDoNotStopOthersAndGet408() throws Exception {
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(1);
        try (Fixture f = Fixture.memory(b -> b.threads(8).timeouts(Duration.ofSeconds(30), Duration.ofSeconds(4),
                Duration.ofSeconds(5)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) { // more than the pool's threads
                    Socket s = connect(f);
                    s.getOutputStream().write(("POST /v1/p1/secrets HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                            + "Content-Type: application/json\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                trickle.scheduleAtFixedRate(() -> {
                    for (Socket s : slow) {
                        try {
                            s.getOutputStream().write(' ');
                        } catch (IOException closed) {
                            // answered and closed: the 408 is read below
                        }
                    }
                }, 1, 1, TimeUnit.SECONDS);
                sdkCalls(f, 20);
                for (Socket s : slow) {
                    String reply = RawHttpTest.readAll(s.getInputStream());
                    assertTrue(reply.startsWith("HTTP/1.1 408"), reply);
                    assertTrue(reply.contains("HTTP.REQUEST_TIMEOUT"), reply);
                }
            } finally {
                trickle.shutdownNow();
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    @Test
    void closeFinishesARequestInFlight() throws Exception {
        GateListener store = new GateListener();
        Fixture f = Fixture.withManager(b -> b.listener(store));
        StageManager m = f.manager;
        m.createSecret("p1", "s", SecretValue.ofString("one"));
        CsmsClient client = f.client("p1");
        store.close();
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> client.createSecretVersion(
                new CreateSecretVersionRequest().withSecretName("s").withBody(
                        new CreateSecretVersionRequestBody().withSecretString("two"))).getVersionMetadata().getId());
        assertTrue(store.awaitWriter(20), "the request's change was committed; its answer is held");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(f::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (accepts(f)) { // the server stops taking new connections first
            assertTrue(System.nanoTime() < deadline, "the server kept accepting");
            Thread.onSpinWait();
        }
        assertFalse(closing.isDone(), "close waits for the request in flight");

        store.open();
        assertEquals("v2", inFlight.get(20, TimeUnit.SECONDS));

        closing.get(20, TimeUnit.SECONDS);

        assertEquals("v2", m.getVersion("p1", "s", "latest").id());
        f.close(); // idempotent
    }

    private static boolean accepts(Fixture f) {
        try (Socket s = connect(f)) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return in.read() >= 0 && !RawHttpTest.readAll(in).contains(" 503");
        } catch (ConnectException refused) {
            return false;
        } catch (IOException closed) {
            return false;
        }
    }

    @Test
    void httpsWithAKeyStoreThroughTheSdk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, keytool.exitValue(), new String(keytool.getInputStream().readAllBytes()));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        try (Fixture f = Fixture.memory(b -> b.tls(keyStore, "changeit".toCharArray()))) {
            String endpoint = f.server.endpoint().toString();
            assertTrue(endpoint.startsWith("https://127.0.0.1:"), endpoint);
            CsmsClient trusting = Fixture.sdkClient(endpoint, Fixture.AK, Fixture.SK, "p1", true);
            trusting.createSecret(new CreateSecretRequest().withBody(
                    new CreateSecretRequestBody().withName("tls").withSecretString("over-tls")));
            assertEquals("over-tls", f.manager.getVersion("p1", "tls", "latest").value().string().orElseThrow());
            CsmsClient verifying = Fixture.sdkClient(endpoint, Fixture.AK, Fixture.SK, "p1", false);
            assertThrows(SdkException.class, () -> verifying.showSecretStage(new ShowSecretStageRequest()
                    .withSecretName("tls").withStageName("SYSCURRENT")), "a self-signed certificate is not trusted");
        }
    }
}
