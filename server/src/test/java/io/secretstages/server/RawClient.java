package io.secretstages.server;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw HTTP for what the SDK cannot send (java.net.http, one keep-alive client), with an optional SDK-HMAC-SHA256
 * signature computed the way the SDK computes it (the verifier passing the SDK's own vectors is checked in
 * {@link SdkHmacSha256VerifierTest}; here the signature only gets a request past authentication). Test code.
 */
final class RawClient {
    static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;

    RawClient(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** What came back. */
    record Reply(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** @return the error_code of a refusal body */
        String errorCode() {
            int i = body.indexOf("\"error_code\":\"");
            return i < 0 ? null : body.substring(i + 14, body.indexOf('"', i + 14));
        }
    }

    /** A request to build: unsigned until {@link #signed}. */
    final class Call {
        final String method;
        final String path;
        String query = "";
        byte[] body = new byte[0];
        final Map<String, String> headers = new LinkedHashMap<>();

        Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Call query(String q) {
            this.query = q;
            return this;
        }

        Call body(String json) {
            return body(json.getBytes(StandardCharsets.UTF_8));
        }

        Call body(byte[] bytes) {
            this.body = bytes;
            headers.put("Content-Type", "application/json;charset=UTF-8");
            return this;
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call signed(String ak, String sk, String project) {
            return signed(ak, sk, project, Instant.now(), body);
        }

        /** Signs as the SDK does, over {@code signedBody} (which may differ from the body sent). */
        Call signed(String ak, String sk, String project, Instant at, byte[] signedBody) {
            String date = SDK_DATE.format(at);
            headers.put("User-Agent", "raw-test/1.0");
            headers.put("X-Project-Id", project);
            headers.put("X-Sdk-Date", date);
            Map<String, List<String>> signedHeaders = new LinkedHashMap<>();
            signedHeaders.put("host", List.of(endpoint.getAuthority()));
            signedHeaders.put("user-agent", List.of("raw-test/1.0"));
            signedHeaders.put("x-project-id", List.of(project));
            signedHeaders.put("x-sdk-date", List.of(date));
            List<String> names = new ArrayList<>(signedHeaders.keySet());
            CsmsRequest forSigning = new CsmsRequest(method, path, query, signedHeaders, signedBody);
            String canonical = SdkHmacSha256Verifier.canonicalRequest(forSigning, names,
                    HexFormat.of().formatHex(SdkHmacSha256Verifier.sha256(signedBody)));
            String toSign = "SDK-HMAC-SHA256\n" + date + "\n" + HexFormat.of().formatHex(
                    SdkHmacSha256Verifier.sha256(canonical.getBytes(StandardCharsets.UTF_8)));
            headers.put("Authorization", "SDK-HMAC-SHA256 Access=" + ak + ", SignedHeaders=" + String.join(";", names)
                    + ", Signature=" + HexFormat.of().formatHex(hmac(sk, toSign)));
            return this;
        }

        Reply send() {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path + (query.isEmpty() ? "" : "?" + query)))
                    .timeout(Duration.ofSeconds(20))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Reply(r.statusCode(), r.body(), r.headers().map());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    Call call(String method, String path) {
        return new Call(method, path);
    }

    private static byte[] hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
