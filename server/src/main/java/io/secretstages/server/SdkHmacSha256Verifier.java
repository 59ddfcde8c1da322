package io.secretstages.server;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the provider SDK's {@code SDK-HMAC-SHA256} request signature (S4): recomputes the canonical request from
 * what arrived (raw path and query, the signed headers, the body's own SHA-256), signs it with the access key's
 * secret key and compares in constant time. The date must be within {@link #WINDOW} of the injected clock.
 */
final class SdkHmacSha256Verifier {
    /** How far {@code X-Sdk-Date} may be from the server clock, either way (S4). */
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final String ALGORITHM = "SDK-HMAC-SHA256";
    private static final DateTimeFormatter SDK_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, String> secretKeys;
    private final Clock clock;

    /**
     * @param secretKeys secret key by access key
     * @param clock the server clock the date window is judged by
     */
    SdkHmacSha256Verifier(Map<String, String> secretKeys, Clock clock) {
        this.secretKeys = Map.copyOf(secretKeys);
        this.clock = clock;
    }

    /**
     * @param request the request, whose {@code Authorization} header starts with {@value #ALGORITHM}
     * @return the access key when the signature is good; empty when anything is wrong (never says what: S4)
     */
    Optional<String> verify(CsmsRequest request) {
        try {
            return Optional.ofNullable(check(request));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty(); // malformed authorization, date or percent-encoding
        }
    }

    private String check(CsmsRequest request) {
        Authorization auth = Authorization.parse(request.header("Authorization"));
        if (auth == null || !auth.signedHeaders.contains("host") || !auth.signedHeaders.contains("x-sdk-date")) {
            return null;
        }
        String date = request.header("X-Sdk-Date");
        if (date == null) {
            return null;
        }
        Instant signedAt = LocalDateTime.parse(date, SDK_DATE).toInstant(ZoneOffset.UTC);
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(WINDOW)) || signedAt.isAfter(now.plus(WINDOW))) {
            return null;
        }
        String bodyHash = HEX.formatHex(sha256(request.body()));
        String declared = request.header("X-Sdk-Content-Sha256");
        if (declared != null && !declared.equals(bodyHash)) {
            return null; // UNSIGNED-PAYLOAD included: the signature always covers the body
        }
        String secretKey = secretKeys.get(auth.accessKey);
        if (secretKey == null) {
            return null;
        }
        String canonical = canonicalRequest(request, auth.signedHeaders, bodyHash);
        if (canonical == null) {
            return null;
        }
        String stringToSign = ALGORITHM + "\n" + date + "\n" + HEX.formatHex(sha256(utf8(canonical)));
        byte[] expected = utf8(HEX.formatHex(hmac(secretKey, stringToSign)));
        byte[] given = utf8(auth.signature.toLowerCase(Locale.ROOT));
        return MessageDigest.isEqual(expected, given) ? auth.accessKey : null;
    }

    /** The canonical request the SDK signs (method, canonical URI and query, signed headers, body hash); null when a signed header is missing. */
    static String canonicalRequest(CsmsRequest request, List<String> signedHeaders, String bodyHash) {
        StringBuilder out = new StringBuilder(256);
        out.append(request.method()).append('\n');
        out.append(canonicalUri(request.rawPath())).append('\n');
        out.append(canonicalQuery(request.rawQuery())).append('\n');
        for (String name : signedHeaders) {
            String value = request.header(name);
            if (value == null) {
                return null;
            }
            out.append(name).append(':').append(value).append('\n');
        }
        out.append('\n').append(String.join(";", signedHeaders)).append('\n').append(bodyHash);
        return out.toString();
    }

    static String canonicalUri(String rawPath) {
        String[] segments = rawPath.split("/");
        if (segments.length == 0) {
            return "/";
        }
        StringBuilder out = new StringBuilder(rawPath.length() + 8);
        for (String segment : segments) {
            out.append(encode(decode(segment))).append('/');
        }
        return out.toString();
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {encode(decode(key)), encode(decode(value))});
        }
        pairs.sort((a, b) -> a[0].compareTo(b[0])); // stable: values of one key keep their order
        StringBuilder out = new StringBuilder(rawQuery.length() + 8);
        for (String[] pair : pairs) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair[0]).append('=').append(pair[1]);
        }
        return out.toString();
    }

    /** Percent-decodes UTF-8 ({@code +} stays {@code +}); a malformed escape is IllegalArgumentException. */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                bytes.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** RFC 3986: unreserved characters kept, every other UTF-8 byte as upper-case {@code %XX}. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(String secretKey, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(utf8(secretKey), "HmacSHA256"));
            return mac.doFinal(utf8(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** {@code SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex}. */
    private static final class Authorization {
        final String accessKey;
        final List<String> signedHeaders;
        final String signature;

        private Authorization(String accessKey, List<String> signedHeaders, String signature) {
            this.accessKey = accessKey;
            this.signedHeaders = signedHeaders;
            this.signature = signature;
        }

        static Authorization parse(String header) {
            if (header == null || !header.startsWith(ALGORITHM + " ")) {
                return null;
            }
            String access = null;
            String signed = null;
            String signature = null;
            for (String part : header.substring(ALGORITHM.length() + 1).split(",")) {
                String p = part.trim();
                if (p.startsWith("Access=")) {
                    access = p.substring(7);
                } else if (p.startsWith("SignedHeaders=")) {
                    signed = p.substring(14);
                } else if (p.startsWith("Signature=")) {
                    signature = p.substring(10);
                }
            }
            if (access == null || signed == null || signature == null || access.isEmpty() || signed.isEmpty()) {
                return null;
            }
            List<String> names = Arrays.asList(signed.split(";"));
            for (String name : names) {
                if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
                    return null;
                }
            }
            return new Authorization(access, names, signature);
        }
    }
}
