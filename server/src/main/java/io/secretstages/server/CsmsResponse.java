package io.secretstages.server;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer {@link CsmsApi} gives to one {@link CsmsRequest}: a status, header fields and a body (empty for 204).
 * Every response carries an {@code X-Request-Id} (S3).
 */
public final class CsmsResponse {
    /** The request id header of every response (S3). */
    public static final String REQUEST_ID = "X-Request-Id";
    /** The content type of every JSON body (S2). */
    public static final String JSON = "application/json;charset=UTF-8";

    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    CsmsResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = Objects.requireNonNull(body, "body");
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the header fields to send, in order */
    public Map<String, String> headers() {
        return headers;
    }

    /** @return this response's {@value #REQUEST_ID} */
    public String requestId() {
        return headers.get(REQUEST_ID);
    }

    /** @return the body bytes (not a copy; do not change them); empty for none */
    public byte[] body() {
        return body;
    }

    /** @return the body as UTF-8 text (a success body may hold a secret value: never log it) */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Never prints the body: it may hold a secret value. */
    @Override
    public String toString() {
        return "CsmsResponse[" + status + ", " + requestId() + "]";
    }
}
