package io.secretstages.server;

import io.secretstages.SecretValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the SDK cannot send, over raw HTTP: no credentials, tampered bodies, stale dates, wrong projects, malformed
 * and oversized bodies, unknown paths, wrong methods, chunked bodies (S4-S6). Each refusal gets its status and
 * error code, and the store is not even called.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawHttpTest {
    private Fixture fixture;
    private RawClient raw;
    private int callsBefore;

    @BeforeAll
    void start() {
        fixture = Fixture.memory();
        raw = new RawClient(fixture.server.endpoint());
        fixture.manager.createSecret("p1", "s1", SecretValue.ofString("v1-value"));
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    @BeforeEach
    void count() {
        callsBefore = fixture.store.calls();
    }

    private void untouched() {
        assertEquals(callsBefore, fixture.store.calls(), "the store was not called");
    }

    private RawClient.Call signed(String method, String path) {
        return raw.call(method, path).signed(Fixture.AK, Fixture.SK, "p1");
    }

    private static void refused(RawClient.Reply reply, int status, String errorCode) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(errorCode, reply.errorCode(), reply.body());
        assertNotNull(reply.header("X-Request-Id"));
        assertTrue(reply.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void noCredentialsIs401BeforeAnything() {
        refused(raw.call("GET", "/v1/p1/secrets/s1").send(), 401, CsmsApi.AUTH_REQUIRED);
        refused(raw.call("GET", "/nowhere").send(), 401, CsmsApi.AUTH_REQUIRED);
        refused(raw.call("PATCH", "/v1/p1/secrets/s1").send(), 401, CsmsApi.AUTH_REQUIRED);
        refused(raw.call("POST", "/v1/p1/secrets").body("{not json").send(), 401, CsmsApi.AUTH_REQUIRED);
        untouched();
    }

    @Test
    void badCredentialsAre403BeforeAnything() {
        refused(raw.call("GET", "/v1/p1/secrets/s1").signed(Fixture.AK, "wrong", "p1").send(), 403,
                CsmsApi.AUTH_FAILED);
        refused(raw.call("GET", "/nowhere").signed(Fixture.AK, "wrong", "p1").send(), 403, CsmsApi.AUTH_FAILED);
        refused(raw.call("GET", "/v1/p1/secrets/s1").header("Authorization", "Basic dTpw").send(), 403,
                CsmsApi.AUTH_FAILED);
        refused(raw.call("GET", "/v1/p1/secrets/s1").header("X-Auth-Token", "nope").send(), 403,
                CsmsApi.AUTH_FAILED);
        untouched();
    }

    @Test
    void aTamperedBodyIsRefused() {
        String good = "{\"secret_string\":\"new\"}";
        String evil = "{\"secret_string\":\"evil\"}";
        refused(raw.call("POST", "/v1/p1/secrets/s1/versions").body(evil)
                .signed(Fixture.AK, Fixture.SK, "p1", Instant.now(), good.getBytes(StandardCharsets.UTF_8)).send(),
                403, CsmsApi.AUTH_FAILED);
        refused(raw.call("POST", "/v1/p1/secrets/s1/versions").body(good).signed(Fixture.AK, Fixture.SK, "p1")
                .header("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD").send(), 403, CsmsApi.AUTH_FAILED);
        untouched();
        assertEquals(1, fixture.manager.listVersions("p1", "s1").size());
    }

    @Test
    void staleAndFutureDatesAreRefused() {
        for (Duration skew : List.of(Duration.ofMinutes(-16), Duration.ofMinutes(16), Duration.ofDays(-1))) {
            refused(raw.call("GET", "/v1/p1/secrets/s1")
                    .signed(Fixture.AK, Fixture.SK, "p1", Instant.now().plus(skew), new byte[0]).send(), 403,
                    CsmsApi.AUTH_FAILED);
        }
        assertEquals(200, raw.call("GET", "/v1/p1/secrets/s1")
                .signed(Fixture.AK, Fixture.SK, "p1", Instant.now().minus(Duration.ofMinutes(14)), new byte[0])
                .send().status());
    }

    @Test
    void otherProjectsAreForbidden() {
        refused(raw.call("GET", "/v1/p3/secrets/s1").signed(Fixture.AK, Fixture.SK, "p3").send(), 403,
                CsmsApi.FORBIDDEN);
        refused(raw.call("GET", "/v1/p3/nowhere").signed(Fixture.AK, Fixture.SK, "p3").send(), 403,
                CsmsApi.FORBIDDEN);
        refused(raw.call("DELETE", "/v1/p1/secrets/s1").signed(Fixture.AK, Fixture.SK, "p2").send(), 403,
                CsmsApi.FORBIDDEN); // X-Project-Id p2, path p1
        refused(raw.call("GET", "/v1/p2/secrets/s1").header("X-Auth-Token", Fixture.TOKEN).send(), 403,
                CsmsApi.FORBIDDEN);
        untouched();
        assertEquals(200, raw.call("GET", "/v1/p1/secrets/s1").header("X-Auth-Token", Fixture.TOKEN).send()
                .status());
    }

    @Test
    void unknownPathsAndWrongMethods() {
        for (String path : List.of("/", "/v1", "/v1/p1", "/v2/p1/secrets", "/v1/p1/secret", "/v1/p1/secrets/s1/x",
                "/v1/p1/secrets/s1/stages", "/v1/p1/secrets/s1/versions/v1/x",
                "/v1/p1/secrets/s1/scheduled-deleted-tasks/other")) {
            refused(signed("GET", path).send(), 404, CsmsApi.NOT_FOUND);
        }
        RawClient.Reply r = signed("PATCH", "/v1/p1/secrets/s1").send();
        refused(r, 405, CsmsApi.METHOD_NOT_ALLOWED);
        assertEquals("DELETE, GET, PUT", r.header("Allow"));
        refused(signed("DELETE", "/v1/p1/secrets").send(), 405, CsmsApi.METHOD_NOT_ALLOWED);
        refused(signed("GET", "/v1/p1/secrets/s1/scheduled-deleted-tasks/create").send(), 405,
                CsmsApi.METHOD_NOT_ALLOWED);
        refused(signed("DELETE", "/v1/p1/secrets/s1/versions/v1").send(), 405, CsmsApi.METHOD_NOT_ALLOWED);
        untouched();
    }

    @Test
    void malformedBodies() {
        for (String body : List.of("", "{", "[]", "\"x\"", "null", "{\"secret_string\":1}",
                "{\"secret_string\":\"a\",\"secret_string\":\"b\"}", "{\"secret_string\":\"a\"} x",
                "{\"secret_binary\":\"***\"}", "{\"secret_string\":\"a\",\"secret_binary\":\"YQ==\"}", "{}",
                "{\"secret_string\":\"a\",\"version_stages\":\"SYSCURRENT\"}",
                "{\"secret_string\":\"a\",\"version_stages\":[1]}", "{\"secret_string\":\"a\",\"expire_time\":\"1\"}",
                "{\"secret_string\":\"a\",\"expire_time\":1.5}", "{\"secret_string\":\"a\",\"expire_time\":-1}")) {
            refused(signed("POST", "/v1/p1/secrets/s1/versions").body(body).signed(Fixture.AK, Fixture.SK, "p1")
                    .send(), 400, "CSMS.0002");
        }
        for (String body : List.of("{\"version_id\":1}", "{}", "{\"version_id\":null}", "{\"version_id\":\"x\"}")) {
            refused(raw.call("PUT", "/v1/p1/secrets/s1/stages/blue").body(body).signed(Fixture.AK, Fixture.SK, "p1")
                    .send(), 400, "CSMS.0002");
        }
        for (String body : List.of("{\"recovery_window_in_days\":\"7\"}", "{\"recovery_window_in_days\":7.5}",
                "{\"recovery_window_in_days\":99999999999}", "")) {
            refused(raw.call("POST", "/v1/p1/secrets/s1/scheduled-deleted-tasks/create").body(body)
                    .signed(Fixture.AK, Fixture.SK, "p1").send(), 400, "CSMS.0002");
        }
        for (String body : List.of("{\"name\":\"a\",\"secret_string\":\"x\",\"secret_type\":\"OTHER\"}",
                "{\"name\":\"a\",\"secret_string\":\"x\",\"auto_rotation\":\"false\"}",
                "{\"name\":\"a\",\"secret_string\":\"x\",\"event_subscriptions\":\"e\"}",
                "{\"name\":7,\"secret_string\":\"x\"}")) {
            refused(raw.call("POST", "/v1/p1/secrets").body(body).signed(Fixture.AK, Fixture.SK, "p1").send(), 400,
                    "CSMS.0002");
        }
        untouched();
    }

    @Test
    void malformedQueries() throws IOException {
        for (String q : List.of("limit=x", "limit=0", "limit=1001", "limit=", "limit=1&limit=2",
                "marker=a.b", "limit=%31%30%30%30%30")) {
            refused(raw.call("GET", "/v1/p1/secrets").query(q).signed(Fixture.AK, Fixture.SK, "p1").send(), 400,
                    "CSMS.0002");
        }
        // a malformed escape cannot be signed (the signature covers the decoded query): 403 signed, 400 by token
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /v1/p1/secrets?marker=a%2 HTTP/1.1\r\nHost: x\r\nX-Auth-Token: "
                    + Fixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = readAll(s.getInputStream());
            assertTrue(reply.startsWith("HTTP/1.1 400") && reply.contains("CSMS.0002"), reply);
        }
        refused(raw.call("GET", "/v1/p1/secrets/s1/versions").query("marker=v").signed(Fixture.AK, Fixture.SK, "p1")
                .send(), 400, "CSMS.0002");
        untouched();
    }

    @Test
    void oversizedBodiesAre413AndTheClientSeesIt() throws IOException {
        String big = "{\"secret_string\":\"" + "x".repeat(CsmsApi.MAX_BODY_BYTES) + "\"}";
        refused(raw.call("POST", "/v1/p1/secrets/s1/versions").body(big).signed(Fixture.AK, Fixture.SK, "p1").send(),
                413, CsmsApi.PAYLOAD_TOO_LARGE);
        byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/p1/secrets/s1/versions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 20; i++) { // 160 KiB, chunked
                out.write(("2000\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(readAll(s.getInputStream()).startsWith("HTTP/1.1 413"));
        }
        try (Socket s = socket()) {
            s.getOutputStream().write(("POST /v1/p1/secrets HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readAll(s.getInputStream()).startsWith("HTTP/1.1 413"), "refused from the declared length");
        }
        untouched();
    }

    @Test
    void chunkedBodiesAreAccepted() throws IOException {
        RawClient.Call call = raw.call("PUT", "/v1/p1/secrets/s1/stages/chunky").body("{\"version_id\":\"v1\"}")
                .signed(Fixture.AK, Fixture.SK, "p1");
        StringBuilder head = new StringBuilder("PUT /v1/p1/secrets/s1/stages/chunky HTTP/1.1\r\n");
        head.append("Host: ").append(fixture.server.endpoint().getAuthority()).append("\r\n");
        call.headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write("5\r\n{\"ver\r\ne\r\nsion_id\":\"v1\"}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = readAll(s.getInputStream());
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
        }
        assertEquals("v1", fixture.manager.getStage("p1", "s1", "chunky").versionId());
    }

    @Test
    void successBodiesAreJsonWithTheWrapperKey() {
        RawClient.Reply r = signed("GET", "/v1/p1/secrets/s1/stages/SYSCURRENT").send();
        assertEquals(200, r.status());
        assertEquals("application/json;charset=UTF-8", r.header("Content-Type"));
        assertTrue(r.body().startsWith("{\"stage\":{\"name\":\"SYSCURRENT\",\"update_time\":"), r.body());
        assertNotNull(r.header("X-Request-Id"));
        assertEquals(Set.of(), Set.copyOf(List.of()));
    }

    private Socket socket() throws IOException {
        Socket s = new Socket(fixture.server.endpoint().getHost(), fixture.server.endpoint().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")
                        && out.toString(StandardCharsets.ISO_8859_1).contains("}")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // the server closed after answering: what was read is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
