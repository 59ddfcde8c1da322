package io.secretstages.server;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretPage;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The provider's CSMS v1 REST API over a {@link StageManager}, free of any transport: a {@link CsmsRequest} in, a
 * {@link CsmsResponse} out. {@link CsmsServer} serves it over HTTP; mount it in your own server the same way (build
 * a request from what arrived, send back what {@link #handle} returns).
 *
 * <p>Each request is checked in this order: authentication (S4: 401 with no credentials, 403 for bad ones), the
 * project grant and {@code X-Project-Id} (S5: 403), the path (404) and method (405), then the operation: query and
 * body (S6: 400 {@code INVALID_PARAMETER}), and exactly one {@code StageManager} call (S1), whose refusals become
 * their {@link ErrorCode#httpStatus()} and {@link ErrorCode#errorCode()} (S3). Nothing is read or changed before a
 * request has passed every check ahead of its call. Thread-safe.
 */
public final class CsmsApi {
    /** {@code error_code} of a request with no credentials (401, S4). */
    public static final String AUTH_REQUIRED = "AUTH.REQUIRED";
    /** {@code error_code} of a bad signature, unknown access key or token, or a date outside the window (403). */
    public static final String AUTH_FAILED = "AUTH.FAILED";
    /** {@code error_code} of a project the credential was not granted, or a mismatched X-Project-Id (403, S5). */
    public static final String FORBIDDEN = "AUTH.FORBIDDEN";
    /** {@code error_code} of a path the API does not have (404). */
    public static final String NOT_FOUND = "HTTP.NOT_FOUND";
    /** {@code error_code} of a known path with another method (405). */
    public static final String METHOD_NOT_ALLOWED = "HTTP.METHOD_NOT_ALLOWED";
    /** {@code error_code} of a body over the cap (413, S6). */
    public static final String PAYLOAD_TOO_LARGE = "HTTP.PAYLOAD_TOO_LARGE";
    /** {@code error_code} of an operation this server does not offer yet (501). */
    public static final String NOT_IMPLEMENTED = "HTTP.NOT_IMPLEMENTED";
    /** The largest request body accepted, in bytes (S6). */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CsmsApi.class);
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,4}");
    private static final Pattern VERSION_ID = Pattern.compile("v[0-9]{1,63}");
    private static final Set<String> SECRET_TYPES = Set.of("COMMON", "RDS-FG", "GaussDB-FG");

    private final StageManager manager;
    private final Authenticator authenticator;

    private CsmsApi(Builder b) {
        this.manager = b.manager;
        this.authenticator = new Authenticator(b.secretKeys, b.projectsByAccessKey, b.projectsByToken, b.clock);
    }

    /**
     * @param manager the manager every operation calls
     * @return a builder; give it at least one credential, or every request is refused
     */
    public static Builder builder(StageManager manager) {
        return new Builder(manager);
    }

    /** Credentials (S4) and their project grants (S5), and the clock signatures are dated against. */
    public static final class Builder {
        private final StageManager manager;
        private final Map<String, String> secretKeys = new HashMap<>();
        private final Map<String, Set<String>> projectsByAccessKey = new HashMap<>();
        private final Map<String, Set<String>> projectsByToken = new HashMap<>();
        private Clock clock = Clock.systemUTC();

        private Builder(StageManager manager) {
            this.manager = Objects.requireNonNull(manager, "manager");
        }

        /**
         * Accepts requests signed with this AK/SK pair ({@code SDK-HMAC-SHA256}) for these projects.
         *
         * @param accessKey the access key (AK)
         * @param secretKey the secret key (SK)
         * @param projectIds the projects it may read and change
         * @return this builder
         */
        public Builder accessKey(String accessKey, String secretKey, String... projectIds) {
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            secretKeys.put(accessKey, secretKey);
            projectsByAccessKey.put(accessKey, Set.of(projectIds));
            return this;
        }

        /**
         * Accepts requests carrying this {@code X-Auth-Token} for these projects.
         *
         * @param token the token
         * @param projectIds the projects it may read and change
         * @return this builder
         */
        public Builder token(String token, String... projectIds) {
            projectsByToken.put(Objects.requireNonNull(token, "token"), Set.of(projectIds));
            return this;
        }

        /**
         * @param clock the clock {@code X-Sdk-Date} is judged by (default the system UTC clock)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the API */
        public CsmsApi build() {
            return new CsmsApi(this);
        }
    }

    /**
     * Answers one request. Never throws: a failure of the manager that is not a {@link StageException} is a 500.
     *
     * @param request the request
     * @return the response, with a fresh {@code X-Request-Id}
     */
    public CsmsResponse handle(CsmsRequest request) {
        String requestId = newRequestId();
        try {
            return dispatch(request, requestId);
        } catch (StageException e) {
            ErrorCode code = e.code();
            return error(requestId, code.httpStatus(), code.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", requestId, e);
            return error(requestId, 500, ErrorCode.STORE_FAILURE.errorCode(), "internal error");
        }
    }

    /**
     * A refusal made by a transport before the request reached {@link #handle} (a body over the cap, a body that did
     * not arrive in time), in the same shape as every other refusal (S3).
     *
     * @param status the HTTP status
     * @param errorCode the {@code error_code}
     * @param message the {@code error_msg}; never a value or a credential
     * @return the response, with a fresh {@code X-Request-Id}
     */
    public static CsmsResponse refusal(int status, String errorCode, String message) {
        return error(newRequestId(), status, errorCode, message);
    }

    /**
     * A random (version 4 form) UUID for {@code X-Request-Id}. It identifies a request in the access log and guards
     * nothing, so it comes from {@link ThreadLocalRandom}: {@link UUID#randomUUID()} draws from one shared
     * {@code SecureRandom}, which serializes every request thread on a lock.
     */
    static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;               // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }

    private CsmsResponse dispatch(CsmsRequest request, String requestId) {
        Authenticator.Verdict verdict = authenticator.authenticate(request);
        if (verdict.outcome() == Authenticator.Outcome.NO_CREDENTIALS) {
            return error(requestId, 401, AUTH_REQUIRED, "an AK/SK signature or an X-Auth-Token is required");
        }
        if (verdict.outcome() == Authenticator.Outcome.FAILED) {
            return error(requestId, 403, AUTH_FAILED, "authentication failed");
        }
        Route route = Route.of(request.rawPath());
        String project = route.projectId();
        if (project == null) {
            return error(requestId, 404, NOT_FOUND, "no such path");
        }
        if (!verdict.projects().contains(project)) {
            return error(requestId, 403, FORBIDDEN, "the credential is not granted this project");
        }
        String headerProject = request.header("X-Project-Id");
        if (headerProject != null && !headerProject.equals(project)) {
            return error(requestId, 403, FORBIDDEN, "X-Project-Id differs from the path's project");
        }
        if (route.resource() == Route.Resource.UNKNOWN) {
            return error(requestId, 404, NOT_FOUND, "no such path");
        }
        String method = request.method();
        if (!route.resource().allows(method)) {
            CsmsResponse refused = error(requestId, 405, METHOD_NOT_ALLOWED, "method not allowed on this path");
            Map<String, String> headers = new LinkedHashMap<>(refused.headers());
            headers.put("Allow", route.resource().allowHeader());
            return new CsmsResponse(405, headers, refused.body());
        }
        String secret = route.secretName();
        switch (route.resource()) {
            case SECRETS:
                return method.equals("GET") ? listSecrets(requestId, project, request)
                        : createSecret(requestId, project, RequestBody.parse(request.body()));
            case SECRET:
                if (method.equals("GET")) {
                    return ok(requestId, ResponseBody.secret(project, manager.getSecret(project, secret)));
                }
                if (method.equals("PUT")) {
                    return updateSecret(requestId, project, secret, RequestBody.parse(request.body()));
                }
                manager.deleteSecret(project, secret);
                return noContent(requestId);
            case SCHEDULE_DELETION:
                return scheduleDeletion(requestId, project, secret, RequestBody.parse(request.body()));
            case CANCEL_DELETION:
                return ok(requestId, ResponseBody.secret(project, manager.restoreSecret(project, secret)));
            case VERSIONS:
                return method.equals("GET") ? listVersions(requestId, project, secret, request)
                        : createVersion(requestId, project, secret, RequestBody.parse(request.body()));
            case VERSION:
                if (method.equals("GET")) {
                    return ok(requestId, ResponseBody.version(manager.getVersion(project, secret, route.leaf())));
                }
                return updateVersion(requestId, project, secret, route.leaf(), RequestBody.parse(request.body()));
            case STAGE:
                return stage(requestId, project, secret, route.leaf(), request);
            default:
                throw new IllegalStateException("unrouted resource " + route.resource());
        }
    }

    private CsmsResponse createSecret(String requestId, String project, RequestBody body) {
        String name = body.requiredString("name");
        SecretValue value = body.secretValue();
        checkAcceptedOnly(body);
        String description = body.string("description").orElse("");
        SecretVersion first = manager.createSecret(project, name, value, description);
        return ok(requestId, ResponseBody.createdSecret(project, first, description));
    }

    /** S8: fields for features the library does not have are type-checked, accepted and not stored. */
    private static void checkAcceptedOnly(RequestBody body) {
        body.string("kms_key_id");
        Optional<String> type = body.string("secret_type");
        if (type.isPresent() && !SECRET_TYPES.contains(type.get())) {
            throw RequestBody.invalid("secret_type must be one of " + SECRET_TYPES);
        }
        body.bool("auto_rotation");
        body.string("rotation_period");
        body.string("rotation_config");
        body.strings("event_subscriptions");
        body.string("enterprise_project_id");
        body.string("rotation_func_urn");
    }

    private CsmsResponse updateSecret(String requestId, String project, String secret, RequestBody body) {
        checkAcceptedOnly(body);
        Optional<String> description = body.string("description");
        if (description.isEmpty()) { // only the description is stored (R23); the other fields are accepted (S8)
            return ok(requestId, ResponseBody.secret(project, manager.getSecret(project, secret)));
        }
        return ok(requestId, ResponseBody.secret(project,
                manager.updateDescription(project, secret, description.get())));
    }

    private CsmsResponse scheduleDeletion(String requestId, String project, String secret, RequestBody body) {
        Optional<Long> days = body.integer("recovery_window_in_days", Integer.MIN_VALUE, Integer.MAX_VALUE);
        SecretMetadata scheduled = days.isPresent()
                ? manager.scheduleDeletion(project, secret, Math.toIntExact(days.get()))
                : manager.scheduleDeletion(project, secret);
        return ok(requestId, ResponseBody.secret(project, scheduled));
    }

    private CsmsResponse createVersion(String requestId, String project, String secret, RequestBody body) {
        SecretValue value = body.secretValue();
        Optional<List<String>> stages = body.strings("version_stages");
        Optional<Instant> expireTime = body.integer("expire_time", 0, 9_999_999_999_999L).map(Instant::ofEpochMilli);
        Set<String> stageSet = stages.isPresent() ? new LinkedHashSet<>(stages.get()) : Set.of(Stages.SYSCURRENT);
        SecretVersion created = manager.putVersion(project, secret, value, stageSet, Optional.empty(), expireTime);
        return ok(requestId, ResponseBody.versionMetadata(created.metadata()));
    }

    private CsmsResponse updateVersion(String requestId, String project, String secret, String versionId,
                                       RequestBody body) {
        Instant expireTime = body.integer("expire_time", 0, 9_999_999_999_999L).map(Instant::ofEpochMilli)
                .orElseThrow(() -> RequestBody.invalid("expire_time is required (R24)"));
        return ok(requestId, ResponseBody.versionMetadata(
                manager.updateVersionExpiry(project, secret, versionId, Optional.of(expireTime))));
    }

    private CsmsResponse stage(String requestId, String project, String secret, String stage, CsmsRequest request) {
        switch (request.method()) {
            case "GET":
                return ok(requestId, ResponseBody.stage(manager.getStage(project, secret, stage)));
            case "DELETE":
                manager.deleteStage(project, secret, stage);
                return noContent(requestId);
            default:
                String ifMatch = request.header("If-Match");
                String ifNoneMatch = request.header("If-None-Match");
                String versionId = RequestBody.parse(request.body()).requiredString("version_id");
                if (ifMatch != null && ifNoneMatch != null) {
                    throw RequestBody.invalid("If-Match and If-None-Match exclude each other");
                }
                if (ifNoneMatch != null && !ifNoneMatch.trim().equals("*")) {
                    throw RequestBody.invalid("If-None-Match must be *");
                }
                if (ifMatch == null && ifNoneMatch == null) {
                    return ok(requestId, ResponseBody.stage(manager.updateStage(project, secret, stage, versionId)));
                }
                // S9 / R20: If-Match names the version that must hold the stage now; If-None-Match: * means none
                Optional<String> expected = ifMatch == null ? Optional.empty() : Optional.of(unquote(ifMatch));
                return ok(requestId, ResponseBody.stage(
                        manager.updateStage(project, secret, stage, versionId, expected)));
        }
    }

    private static String unquote(String entityTag) {
        String t = entityTag.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    private CsmsResponse listSecrets(String requestId, String project, CsmsRequest request) {
        Map<String, String> query = query(request.rawQuery());
        int limit = limit(query, StageManager.DEFAULT_LIST_LIMIT);
        String marker = emptyAsNull(query.get("marker"));
        String eventName = emptyAsNull(query.get("event_name"));
        SecretPage page = manager.listSecrets(project, marker, limit);
        if (eventName != null) {
            // S8: event subscriptions are not stored, so no secret is subscribed to any event
            return ok(requestId, ResponseBody.secrets(project, List.of(), Optional.empty()));
        }
        return ok(requestId, ResponseBody.secrets(project, page.secrets(), page.nextMarker()));
    }

    private CsmsResponse listVersions(String requestId, String project, String secret, CsmsRequest request) {
        Map<String, String> query = query(request.rawQuery());
        int limit = limit(query, Integer.MAX_VALUE);
        String marker = emptyAsNull(query.get("marker"));
        if (marker != null && !VERSION_ID.matcher(marker).matches()) {
            throw RequestBody.invalid("marker must be a version id, ^v[0-9]{1,63}$");
        }
        List<VersionMetadata> all = manager.listVersions(project, secret);
        int from = 0;
        if (marker != null) {
            while (from < all.size() && compareIds(all.get(from).id(), marker) <= 0) {
                from++;
            }
        }
        int to = (int) Math.min(all.size(), (long) from + limit);
        List<VersionMetadata> page = all.subList(from, to);
        Optional<String> next = to < all.size() ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty();
        return ok(requestId, ResponseBody.versionMetadatas(page, next));
    }

    /** Orders well-formed version ids by number (R4), leading zeros aside. */
    private static int compareIds(String a, String b) {
        String x = a.substring(1).replaceFirst("^0+(?=.)", "");
        String y = b.substring(1).replaceFirst("^0+(?=.)", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }

    private static int limit(Map<String, String> query, int absent) {
        String limit = query.get("limit");
        if (limit == null) {
            return absent;
        }
        if (!LIMIT.matcher(limit).matches()) {
            throw RequestBody.invalid("limit must be an integer from 1 to " + StageManager.MAX_LIST_LIMIT);
        }
        int n = Integer.parseInt(limit);
        if (n < 1 || n > StageManager.MAX_LIST_LIMIT) {
            throw RequestBody.invalid("limit must be an integer from 1 to " + StageManager.MAX_LIST_LIMIT);
        }
        return n;
    }

    private static String emptyAsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The query's parameters, decoded; a malformed escape or a repeated name is INVALID_PARAMETER (S6). */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery.isEmpty()) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            try {
                String key = SdkHmacSha256Verifier.decode(eq < 0 ? part : part.substring(0, eq));
                String value = SdkHmacSha256Verifier.decode(eq < 0 ? "" : part.substring(eq + 1));
                if (out.put(key, value) != null) {
                    throw RequestBody.invalid("query parameter given twice");
                }
            } catch (IllegalArgumentException e) {
                throw RequestBody.invalid("malformed query");
            }
        }
        return out;
    }

    private static CsmsResponse ok(String requestId, byte[] body) {
        return new CsmsResponse(200, Map.of(CsmsResponse.REQUEST_ID, requestId, "Content-Type", CsmsResponse.JSON),
                body);
    }

    private static CsmsResponse noContent(String requestId) {
        return new CsmsResponse(204, Map.of(CsmsResponse.REQUEST_ID, requestId), new byte[0]);
    }

    private static CsmsResponse error(String requestId, int status, String errorCode, String message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CsmsResponse.REQUEST_ID, requestId);
        headers.put("Content-Type", CsmsResponse.JSON);
        return new CsmsResponse(status, headers, ResponseBody.error(errorCode, message));
    }
}
