package io.secretstages.server;

import io.secretstages.SecretValue;
import io.secretstages.SecretMetadata;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * S4-S6 generated: at least 10,000 bad requests over HTTP (system property {@code secretstages.badinput.cases}),
 * each with exactly one defect whose answer is known: no credentials, a bad or stale signature, a project not
 * granted, an unknown path, a wrong method, a malformed name in the path, malformed JSON, a field of the wrong JSON
 * type or under a wrong name, both or neither value, bad base64, an oversized body or value, a malformed query.
 * Each gets its status and error code, the store is never called, and a full dump of every secret (snapshots and
 * value bytes, every stage) is the same afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestFuzzTest {
    private static final String BAD_REQUEST = "CSMS.0002";
    private static final List<String> FRAGMENTS = List.of(" ", ".", "..", "/", "\\", "*", "%", "'", "\"", "<", "{",
            "\t", "\u0000", "\u007f", "\u00e9", "\u4e2d", "\ud83d\udd11", "a b", "' OR 1=1 --", "x".repeat(65));

    private Fixture fixture;
    private RawClient raw;
    private final Map<String, AtomicInteger> kinds = new TreeMap<>();

    /** A JSON body operation: its method, path and fields (name to a valid JSON value and its JSON type). */
    private record Template(String method, String path, Map<String, String> fields, Set<String> required) {
        String json(Map<String, String> override) {
            Map<String, String> f = new LinkedHashMap<>(fields);
            f.putAll(override);
            StringBuilder sb = new StringBuilder("{");
            f.forEach((k, v) -> {
                if (v != null) {
                    sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v);
                }
            });
            return sb.append('}').toString();
        }
    }

    private static final List<Template> BODIES = List.of(
            new Template("POST", "/v1/p1/secrets",
                    Map.of("name", "\"fresh\"", "secret_string", "\"x\""), Set.of("name")),
            new Template("POST", "/v1/p1/secrets/fz/versions",
                    Map.of("secret_string", "\"x\"", "version_stages", "[\"green\"]"), Set.of()),
            new Template("PUT", "/v1/p1/secrets/fz/stages/blue", Map.of("version_id", "\"v1\""), Set.of("version_id")),
            new Template("POST", "/v1/p1/secrets/fz/scheduled-deleted-tasks/create",
                    Map.of("recovery_window_in_days", "7"), Set.of()));

    /** Body-less operations (method, path), each of which would read or change "fz" if it were let through. */
    private static final List<String[]> PLAIN = List.of(
            new String[] {"GET", "/v1/p1/secrets/fz"}, new String[] {"DELETE", "/v1/p1/secrets/fz"},
            new String[] {"GET", "/v1/p1/secrets/fz/versions"}, new String[] {"GET", "/v1/p1/secrets/fz/versions/v1"},
            new String[] {"GET", "/v1/p1/secrets/fz/stages/SYSCURRENT"},
            new String[] {"DELETE", "/v1/p1/secrets/fz/stages/blue"},
            new String[] {"POST", "/v1/p1/secrets/fz/scheduled-deleted-tasks/cancel"},
            new String[] {"GET", "/v1/p1/secrets"});

    @BeforeAll
    void start() {
        fixture = Fixture.memory();
        raw = new RawClient(fixture.server.endpoint());
        fixture.manager.createSecret("p1", "fz", SecretValue.ofString("one"));
        fixture.manager.putVersion("p1", "fz", SecretValue.ofBinary(new byte[] {1, 2, 3}), Set.of("blue"));
        fixture.manager.putVersion("p1", "fz", SecretValue.ofString("three"));
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    /** An expected answer. */
    private record Expected(String kind, int status, String errorCode) {
    }

    @Test
    void everyBadRequestGetsItsAnswerAndChangesNothing() {
        int cases = Integer.getInteger("secretstages.badinput.cases", 10_000);
        String before = dump();
        AtomicInteger calls = new AtomicInteger(fixture.store.calls());
        AtomicInteger done = new AtomicInteger();
        qt().withExamples(cases).withShrinkCycles(0)
                .forAll(integers().between(0, 13), longs().all())
                .checkAssert((kind, seed) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    Expected expected = generate(kind, random);
                    RawClient.Call call = lastCall;
                    RawClient.Reply reply;
                    try {
                        reply = call.send();
                    } catch (RuntimeException e) {
                        throw new AssertionError("after " + previous + ": " + expected.kind + " " + call.method + " "
                                + call.path, e);
                    }
                    previous = expected.kind + " " + call.method + " " + call.path + " " + reply.status() + " "
                            + reply.headers();
                    String what = expected.kind + " " + call.method + " " + call.path + "?" + call.query + " -> "
                            + reply.status() + " " + reply.body().substring(0, Math.min(200, reply.body().length()));
                    assertEquals(expected.status, reply.status(), what);
                    assertEquals(expected.errorCode, reply.errorCode(), what);
                    assertEquals(calls.get(), fixture.store.calls(), "the store was called: " + what);
                    kinds.computeIfAbsent(expected.kind, k -> new AtomicInteger()).incrementAndGet();
                    if (done.incrementAndGet() % 2000 == 0) {
                        assertEquals(before, dump(), "the store changed");
                        calls.set(fixture.store.calls()); // the dump itself reads the store
                    }
                });
        assertEquals(before, dump(), "the store changed");
        assertEquals(cases, done.get());
        assertEquals(15, kinds.size(), "every kind of defect was generated: " + kinds);
        System.out.println("BadRequestFuzzTest: " + cases + " cases " + kinds);
    }

    private RawClient.Call lastCall;
    private String previous;

    /** Builds one bad request into {@link #lastCall} and says what it must get. */
    private Expected generate(int kind, SplittableRandom random) {
        String[] plain = PLAIN.get(random.nextInt(PLAIN.size()));
        Template body = BODIES.get(random.nextInt(BODIES.size()));
        switch (kind) {
            case 0: { // S4: no credentials, on any path and method
                lastCall = anyRequest(random, plain, body);
                return new Expected("no-credentials", 401, CsmsApi.AUTH_REQUIRED);
            }
            case 1: { // S4: a bad signature, secret key, access key or token
                RawClient.Call c = anyRequest(random, plain, body);
                int how = random.nextInt(4);
                if (how == 0) {
                    c.signed(Fixture.AK, "wrong-" + random.nextInt(), "p1");
                } else if (how == 1) {
                    c.signed("unknown-" + random.nextInt(1000), Fixture.SK, "p1");
                } else if (how == 2) {
                    byte[] signedBody = (new String(c.body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
                    c.signed(Fixture.AK, Fixture.SK, "p1", Instant.now(), signedBody);
                } else {
                    c.header("X-Auth-Token", "token-" + random.nextLong());
                }
                lastCall = c;
                return new Expected("bad-credentials", 403, CsmsApi.AUTH_FAILED);
            }
            case 2: { // S4: a date outside the 15-minute window
                RawClient.Call c = anyRequest(random, plain, body);
                long minutes = 16 + random.nextInt(100_000);
                c.signed(Fixture.AK, Fixture.SK, "p1",
                        Instant.now().plus(Duration.ofMinutes(random.nextBoolean() ? minutes : -minutes)), c.body);
                lastCall = c;
                return new Expected("stale-date", 403, CsmsApi.AUTH_FAILED);
            }
            case 3: { // S5: a project the credential was not granted, or a mismatched X-Project-Id
                String project = random.nextBoolean() ? "p3" : "q" + random.nextInt(1_000_000);
                String[] p = plain.clone();
                p[1] = p[1].replace("/v1/p1/", "/v1/" + project + "/");
                RawClient.Call c = raw.call(p[0], p[1]);
                if (random.nextBoolean()) {
                    c.signed(Fixture.AK, Fixture.SK, project);
                } else {
                    c = raw.call(plain[0], plain[1]).signed(Fixture.AK, Fixture.SK, "p2");
                }
                lastCall = c;
                return new Expected("project", 403, CsmsApi.FORBIDDEN);
            }
            case 4: { // unknown path
                List<String> paths = List.of("/v1/p1/secret", "/v1/p1/secrets/fz/versions/v1/extra",
                        "/v1/p1/secrets/fz/stage/blue", "/v2/p1/secrets", "/v1/p1/secrets/fz/stages",
                        "/v1/p1/secrets/fz/scheduled-deleted-tasks/" + word(random),
                        "/v1/p1/" + word(random), "/v1/p1/secrets/fz/" + word(random) + "/x/y");
                String path = paths.get(random.nextInt(paths.size()));
                lastCall = raw.call(random.nextBoolean() ? "GET" : "POST", path).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("unknown-path", 404, CsmsApi.NOT_FOUND);
            }
            case 5: { // a known path with another method
                List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE2", "PURGE");
                String path = random.nextBoolean() ? plain[1] : body.path();
                Route.Resource resource = Route.of(path).resource();
                String method;
                do {
                    method = methods.get(random.nextInt(methods.size()));
                } while (resource.allows(method));
                lastCall = raw.call(method, path).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("wrong-method", 405, CsmsApi.METHOD_NOT_ALLOWED);
            }
            case 6: { // R1-R4: a malformed secret, stage or version name in the path
                String bad = badName(random);
                List<String[]> paths = List.of(
                        new String[] {"GET", "/v1/p1/secrets/" + bad},
                        new String[] {"GET", "/v1/p1/secrets/" + bad + "/versions"},
                        new String[] {"GET", "/v1/p1/secrets/fz/stages/" + bad},
                        new String[] {"DELETE", "/v1/p1/secrets/fz/stages/" + bad},
                        new String[] {"GET", "/v1/p1/secrets/fz/versions/" + badVersion(random)},
                        new String[] {"POST", "/v1/p1/secrets/" + bad + "/scheduled-deleted-tasks/cancel"});
                String[] p = paths.get(random.nextInt(paths.size()));
                lastCall = raw.call(p[0], p[1]).signed(Fixture.AK, Fixture.SK, "p1");
                // Jetty itself refuses an encoded NUL in a path, before any handler (see JsonErrorHandler)
                return p[1].contains("%00") ? new Expected("bad-name-transport", 400, "HTTP.400")
                        : new Expected("bad-name", 400, BAD_REQUEST);
            }
            case 7: { // S6: malformed JSON (a strict prefix of a good body, or garbage)
                String good = body.json(Map.of());
                String text = random.nextInt(4) == 0
                        ? List.of("[]", "\"x\"", "1", "true", "null", "{}{}", good + " x", good + "}", "{,}",
                                "{\"a\":}", "{'a':1}").get(random.nextInt(11))
                        : good.substring(0, random.nextInt(good.length()));
                if (text.equals("{}") || text.isEmpty() && !body.required().isEmpty()) {
                    text = "{";
                }
                lastCall = raw.call(body.method(), body.path()).body(text).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("malformed-json", 400, BAD_REQUEST);
            }
            case 8: { // S6: a field of the wrong JSON type
                List<String> fields = List.copyOf(body.fields().keySet());
                String field = fields.get(random.nextInt(fields.size()));
                lastCall = raw.call(body.method(), body.path()).body(body.json(Map.of(field,
                        wrongType(body.fields().get(field), random)))).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("wrong-type", 400, BAD_REQUEST);
            }
            case 9: { // S6: both or neither value, bad base64
                Template t = BODIES.get(random.nextInt(2));
                Map<String, String> o = new LinkedHashMap<>();
                int how = random.nextInt(3);
                if (how == 0) {
                    o.put("secret_binary", "\"YQ==\"");
                } else if (how == 1) {
                    o.put("secret_string", null);
                } else {
                    o.put("secret_string", null);
                    o.put("secret_binary", "\"" + List.of("*", "YQ=", "Y", "a b c d", "YQ==YQ==x", "!!!!", "\u00e9\u00e9")
                            .get(random.nextInt(7)) + "\"");
                }
                lastCall = raw.call(t.method(), t.path()).body(t.json(o)).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("value-shape", 400, BAD_REQUEST);
            }
            case 10: { // S6: a body over 64 KiB
                Template t = BODIES.get(random.nextInt(BODIES.size()));
                String pad = "x".repeat(CsmsApi.MAX_BODY_BYTES + random.nextInt(8192));
                lastCall = raw.call(t.method(), t.path()).body(t.json(Map.of("padding", "\"" + pad + "\"")))
                        .signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("oversized-body", 413, CsmsApi.PAYLOAD_TOO_LARGE);
            }
            case 11: { // S6, S7: a malformed query
                boolean versions = random.nextBoolean();
                String path = versions ? "/v1/p1/secrets/fz/versions" : "/v1/p1/secrets";
                String q;
                int how = random.nextInt(3);
                if (how == 0) {
                    q = "limit=" + List.of("0", "-1", "1001", String.valueOf(1001 + random.nextInt(1_000_000)),
                            "x", "1.0", "1e3", "%20", "", "10 ", "0x10", "99999999999").get(random.nextInt(12))
                            .replace(" ", "%20");
                } else if (how == 1) {
                    q = "limit=5&limit=" + (1 + random.nextInt(5));
                } else {
                    q = "marker=" + (versions ? badVersion(random) : badName(random));
                }
                lastCall = raw.call("GET", path).query(q).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("bad-query", 400, BAD_REQUEST);
            }
            case 12: { // R7: a value over 32 KiB in a body under 64 KiB
                Template t = BODIES.get(random.nextInt(2));
                String value = "\"" + "v".repeat(32 * 1024 + 1 + random.nextInt(20_000)) + "\"";
                lastCall = raw.call(t.method(), t.path()).body(t.json(Map.of("secret_string", value)))
                        .signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("value-too-large", 400, BAD_REQUEST);
            }
            default: { // S6: a required field under a wrong name
                Template t = random.nextBoolean() ? BODIES.get(0) : BODIES.get(2);
                String field = t.required().iterator().next();
                String wrong = List.of(field.toUpperCase(), field + "s", "_" + field, field + "-",
                        field.substring(1)).get(random.nextInt(5));
                Map<String, String> o = new LinkedHashMap<>();
                o.put(field, null);
                o.put(wrong, t.fields().get(field));
                lastCall = raw.call(t.method(), t.path()).body(t.json(o)).signed(Fixture.AK, Fixture.SK, "p1");
                return new Expected("misnamed-field", 400, BAD_REQUEST);
            }
        }
    }

    private RawClient.Call anyRequest(SplittableRandom random, String[] plain, Template body) {
        return random.nextBoolean() ? raw.call(plain[0], plain[1])
                : raw.call(body.method(), body.path()).body(body.json(Map.of()));
    }

    private static String word(SplittableRandom random) {
        return List.of("x", "tasks", "version", "stage", "delete", "v1", "latest", "Versions")
                .get(random.nextInt(8));
    }

    /** A name that breaks R1-R3, percent-encoded for the path. */
    private static String badName(SplittableRandom random) {
        String fragment = FRAGMENTS.get(random.nextInt(FRAGMENTS.size()));
        String name = random.nextBoolean() ? "a" + fragment : fragment + "b";
        return SdkHmacSha256Verifier.encode(name);
    }

    private static String badVersion(SplittableRandom random) {
        return SdkHmacSha256Verifier.encode(List.of("v", "x1", "V1", "v-1", "v1.0", "v" + "1".repeat(64), "1", "v 1",
                "v1" + FRAGMENTS.get(random.nextInt(FRAGMENTS.size()))).get(random.nextInt(9)));
    }

    /** A non-null JSON value of another type than {@code valid}'s. */
    private static String wrongType(String valid, SplittableRandom random) {
        List<String> all = List.of("1", "1.5", "true", "\"text\"", "[\"a\"]", "{\"a\":1}", "[1]");
        String type = valid.startsWith("\"") ? "\"text\"" : valid.startsWith("[") ? "[\"a\"]" : "1";
        String w;
        do {
            w = all.get(random.nextInt(all.size()));
        } while (w.equals(type) || (type.equals("1") && w.equals("1")));
        if (type.equals("1") && w.equals("1.5") && valid.equals("7")) {
            return "7.5";
        }
        return w;
    }

    /**
     * Every secret of the fuzzed projects, through the public API (stable across SPI changes): metadata, every
     * version's metadata and value bytes, every stage with its update time.
     */
    private String dump() {
        StageManager m = fixture.manager;
        StringBuilder sb = new StringBuilder();
        for (String project : List.of("p1", "p2", "p3")) {
            for (SecretMetadata secret : m.listSecrets(project, null, 1000).secrets()) {
                sb.append(project).append(' ').append(secret).append('\n');
                for (VersionMetadata v : m.listVersions(project, secret.name())) {
                    SecretValue value = m.getVersion(project, secret.name(), v.id()).value();
                    sb.append(v).append(value.isString() ? " s " : " b ")
                            .append(HexFormat.of().formatHex(value.toBytes())).append('\n');
                }
                m.listStages(project, secret.name()).forEach(st -> sb.append(st).append('\n'));
            }
        }
        return sb.toString();
    }
}
