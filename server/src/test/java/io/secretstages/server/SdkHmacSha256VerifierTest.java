package io.secretstages.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * S4: the verifier against the SDK's own signatures (the deterministic vectors of the SDK's AKSKSigner and
 * requests captured from the SDK), and every way a signature must fail.
 */
class SdkHmacSha256VerifierTest {
    private static final String VECTOR_DATE = "20240102T030405Z";
    private static final Map<String, String> KEYS = Map.of("AKEXAMPLE", "SKEXAMPLE", "AK", "SK");

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static CsmsRequest request(String method, String path, String query, String host, String date,
                                       String authorization, String body, String... extra) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("User-Agent", List.of("huaweicloud-usdk-java/3.0"));
        h.put("X-Project-Id", List.of("p1"));
        h.put("X-Sdk-Date", List.of(date));
        h.put("Content-Type", List.of("application/json"));
        h.put("Host", List.of(host));
        h.put("Authorization", List.of(authorization));
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], List.of(extra[i + 1]));
        }
        return new CsmsRequest(method, path, query, h, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String auth(String ak, String signedHeaders, String signature) {
        return "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
    }

    private static final String SIGNED = "host;user-agent;x-project-id;x-sdk-date";

    private static CsmsRequest vectorGet(String signature) {
        return request("GET", "/v1/p1/secrets", "marker=s%201&limit=10", "kms.cn-north-4.myhuaweicloud.com",
                VECTOR_DATE, auth("AKEXAMPLE", SIGNED, signature), "");
    }

    private static final String GET_SIGNATURE = "b14216611bd7b129e70ef356e6f013194d7679e5bf24a1a7f7caa20b5344e7f0";
    private static final String POST_BODY = "{\"secret_string\":\"pw2\",\"version_stages\":[\"SYSCURRENT\"]}";
    private static final String POST_SIGNATURE = "f44bef9109ecb23f50c507c75cfb14db3bc22d0c3f34291bb484d55b5a46c026";

    private static CsmsRequest vectorPost(String method, String body, String... extra) {
        return request(method, "/v1/p1/secrets/s1/versions", "", "127.0.0.1:8080", VECTOR_DATE,
                auth("AKEXAMPLE", SIGNED, POST_SIGNATURE), body, extra);
    }

    private static Optional<String> verify(CsmsRequest r, String now) {
        return new SdkHmacSha256Verifier(KEYS, at(now)).verify(r);
    }

    @Test
    void acceptsTheSdkSignerVectors() {
        assertEquals(Optional.of("AKEXAMPLE"), verify(vectorGet(GET_SIGNATURE), "2024-01-02T03:04:05Z"));
        assertEquals(Optional.of("AKEXAMPLE"), verify(vectorPost("POST", POST_BODY), "2024-01-02T03:04:05Z"));
    }

    @Test
    void canonicalRequestIsTheOneTheSdkSigned() {
        String expected = "GET\n/v1/p1/secrets/\nlimit=10&marker=s%201\nhost:kms.cn-north-4.myhuaweicloud.com\n"
                + "user-agent:huaweicloud-usdk-java/3.0\nx-project-id:p1\nx-sdk-date:20240102T030405Z\n\n"
                + SIGNED + "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertEquals(expected, SdkHmacSha256Verifier.canonicalRequest(vectorGet(GET_SIGNATURE),
                List.of(SIGNED.split(";")), HexFormat.of().formatHex(SdkHmacSha256Verifier.sha256(new byte[0]))));
        assertEquals("event_name=&limit=5&marker=a%20b%2Bc%2Ad~e%2Ff%3Ag%3Dh%26i%C3%A9",
                SdkHmacSha256Verifier.canonicalQuery("limit=5&event_name=&marker=a%20b%2Bc*d%7Ee%2Ff%3Ag%3Dh%26i%C3%A9"));
        assertEquals("/", SdkHmacSha256Verifier.canonicalUri("/"));
        assertEquals("/v1/p1/secrets/", SdkHmacSha256Verifier.canonicalUri("/v1/p1/secrets/"));
        assertEquals("/v1/p1/secrets/a%20b%2Bc/", SdkHmacSha256Verifier.canonicalUri("/v1/p1/secrets/a%20b+c"));
    }

    @Test
    void acceptsRequestsCapturedFromTheSdk() {
        String createBody = "{\"name\":\"s1\",\"kms_key_id\":\"kms-1\",\"description\":\"desc\",\"secret_string\":"
                + "\"{\\\"user\\\":\\\"u\\\",\\\"pw\\\":\\\"p\\u00E4ss\\\"}\",\"secret_type\":\"COMMON\","
                + "\"event_subscriptions\":[\"ev1\"]}";
        CsmsRequest create = request("POST", "/v1/p1/secrets", "", "127.0.0.1:39383", "20261201T182724Z",
                auth("AK", SIGNED, "d92812803427ad2a0ffb8776b8e6f06e94fe8b9d68d9a22bb205f63c6acf2495"), createBody);
        assertEquals(Optional.of("AK"), verify(create, "2026-12-01T18:27:24Z"));
        CsmsRequest list = request("GET", "/v1/p1/secrets",
                "limit=5&event_name=&marker=a%20b%2Bc*d%7Ee%2Ff%3Ag%3Dh%26i%C3%A9", "127.0.0.1:39383",
                "20261201T182725Z",
                auth("AK", SIGNED, "623b4298e2b989c25cc84921d3120f45731d3545bfede03034a05d102659925d"), "");
        assertEquals(Optional.of("AK"), verify(list, "2026-12-01T18:30:00Z"));
        CsmsRequest latest = request("GET", "/v1/p1/secrets/s1/versions/latest", "", "127.0.0.1:39383",
                "20261201T182725Z",
                auth("AK", SIGNED, "8ff099797a203572b507c7b9fdc66946e644fd5fd60f024fa2a82704dcaa50ca"), "");
        assertEquals(Optional.of("AK"), verify(latest, "2026-12-01T18:20:00Z"));
    }

    @Test
    void aTrailingSlashSignsTheSame() {
        CsmsRequest r = request("GET", "/v1/p1/secrets/", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, auth("AKEXAMPLE", SIGNED, GET_SIGNATURE), "");
        assertEquals(Optional.of("AKEXAMPLE"), verify(r, "2024-01-02T03:04:05Z"));
    }

    @Test
    void refusesEveryTamperedPart() {
        String now = "2024-01-02T03:04:05Z";
        assertEquals(Optional.empty(), verify(vectorPost("POST", POST_BODY + " "), now), "body");
        assertEquals(Optional.empty(), verify(vectorPost("PUT", POST_BODY), now), "method");
        assertEquals(Optional.empty(), verify(vectorPost("POST", POST_BODY, "X-Sdk-Content-Sha256",
                "UNSIGNED-PAYLOAD"), now), "unsigned payload");
        String bodyHash = HexFormat.of().formatHex(SdkHmacSha256Verifier.sha256(
                POST_BODY.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of("AKEXAMPLE"), verify(vectorPost("POST", POST_BODY, "X-Sdk-Content-Sha256",
                bodyHash), now), "a declared hash that is the body's own");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=11",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, auth("AKEXAMPLE", SIGNED, GET_SIGNATURE), ""),
                now), "query");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p2/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, auth("AKEXAMPLE", SIGNED, GET_SIGNATURE), ""),
                now), "path");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "evil.example", VECTOR_DATE, auth("AKEXAMPLE", SIGNED, GET_SIGNATURE), ""), now), "host");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, auth("AKOTHER", SIGNED, GET_SIGNATURE), ""),
                now), "unknown access key");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE,
                auth("AKEXAMPLE", "user-agent;x-project-id;x-sdk-date", GET_SIGNATURE), ""), now),
                "host not signed");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE,
                auth("AKEXAMPLE", SIGNED, GET_SIGNATURE.replace('b', 'c')), ""), now), "signature");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, "SDK-HMAC-SHA256 garbage", ""), now), "malformed");
        assertEquals(Optional.empty(), verify(request("GET", "/v1/p1/secrets", "marker=s%2",
                "kms.cn-north-4.myhuaweicloud.com", VECTOR_DATE, auth("AKEXAMPLE", SIGNED, GET_SIGNATURE), ""),
                now), "malformed escape");
    }

    @Test
    void theDateMustBeWithinFifteenMinutes() {
        assertEquals(Optional.of("AKEXAMPLE"), verify(vectorGet(GET_SIGNATURE), "2024-01-02T03:19:05Z"));
        assertEquals(Optional.of("AKEXAMPLE"), verify(vectorGet(GET_SIGNATURE), "2024-01-02T02:49:05Z"));
        assertEquals(Optional.empty(), verify(vectorGet(GET_SIGNATURE), "2024-01-02T03:19:06Z"));
        assertEquals(Optional.empty(), verify(vectorGet(GET_SIGNATURE), "2024-01-02T02:49:04Z"));
        CsmsRequest badDate = request("GET", "/v1/p1/secrets", "marker=s%201&limit=10",
                "kms.cn-north-4.myhuaweicloud.com", "2024-01-02 03:04:05", auth("AKEXAMPLE", SIGNED, GET_SIGNATURE),
                "");
        assertEquals(Optional.empty(), verify(badDate, "2024-01-02T03:04:05Z"));
    }
}
