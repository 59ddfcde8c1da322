package io.secretstages.server;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One HTTP request as {@link CsmsApi} sees it, free of any transport: the method, the path and query exactly as they
 * came on the wire (still percent-encoded: the signature covers them that way), the headers and the whole body.
 * A transport builds one per request; the body has already been capped by the transport (S6).
 */
public final class CsmsRequest {
    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    /**
     * @param method the HTTP method, for example {@code GET}
     * @param rawPath the path as sent, percent-encoded, without the query, for example {@code /v1/p1/secrets}
     * @param rawQuery the query as sent, without the {@code ?}; null or empty for none
     * @param headers the header fields (names in any case; the values of one name in the order received)
     * @param body the body bytes, empty for none (not copied: the caller hands it over)
     */
    public CsmsRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                       byte[] body) {
        this.method = Objects.requireNonNull(method, "method");
        this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
        this.rawQuery = rawQuery == null ? "" : rawQuery;
        TreeMap<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) -> byName.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                n -> new java.util.ArrayList<>()).addAll(values));
        this.headers = Collections.unmodifiableMap(byName);
        this.body = Objects.requireNonNull(body, "body");
    }

    /** @return the HTTP method */
    public String method() {
        return method;
    }

    /** @return the path as sent, still percent-encoded */
    public String rawPath() {
        return rawPath;
    }

    /** @return the query as sent, without the {@code ?}; empty for none */
    public String rawQuery() {
        return rawQuery;
    }

    /**
     * @param name a header name, in any case
     * @return its first value, or null when absent
     */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** @return every header, keyed by lower-case name */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** @return the body bytes (not a copy) */
    byte[] body() {
        return body;
    }

    /** @return how many bytes the body has */
    public int bodyLength() {
        return body.length;
    }

    /** Never prints the body or a header value: they may hold a secret or a credential. */
    @Override
    public String toString() {
        return "CsmsRequest[" + method + " " + rawPath + "]";
    }
}
