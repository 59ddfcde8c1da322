package io.secretstages.server;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling (S4) and which projects that caller was granted (S5). A request carries an AK/SK signature, an
 * {@code X-Auth-Token}, or both (the SDK signs a token it was asked to add); every credential it carries must be
 * good, and it may reach only the projects every one of them was granted.
 */
final class Authenticator {
    /** What a request proved about its caller. */
    enum Outcome { NO_CREDENTIALS, FAILED, AUTHENTICATED }

    /** The verdict on one request: the outcome and, when authenticated, the granted projects. */
    record Verdict(Outcome outcome, Set<String> projects) {
        static final Verdict NONE = new Verdict(Outcome.NO_CREDENTIALS, Set.of());
        static final Verdict FAILED = new Verdict(Outcome.FAILED, Set.of());
    }

    private final Map<String, Set<String>> projectsByAccessKey;
    /** Tokens are kept as SHA-256 digests and looked up by the digest of what came: no token comparison by value. */
    private final Map<String, Set<String>> projectsByTokenDigest;
    private final SdkHmacSha256Verifier verifier;

    Authenticator(Map<String, String> secretKeys, Map<String, Set<String>> projectsByAccessKey,
                  Map<String, Set<String>> projectsByToken, Clock clock) {
        this.projectsByAccessKey = Map.copyOf(projectsByAccessKey);
        Map<String, Set<String>> digests = new HashMap<>();
        projectsByToken.forEach((token, projects) -> digests.put(digest(token), Set.copyOf(projects)));
        this.projectsByTokenDigest = Map.copyOf(digests);
        this.verifier = new SdkHmacSha256Verifier(secretKeys, clock);
    }

    Verdict authenticate(CsmsRequest request) {
        String authorization = request.header("Authorization");
        String token = request.header("X-Auth-Token");
        if (authorization == null && token == null) {
            return Verdict.NONE;
        }
        Set<String> projects = null;
        if (authorization != null) {
            String accessKey = verifier.verify(request).orElse(null);
            if (accessKey == null) {
                return Verdict.FAILED;
            }
            projects = projectsByAccessKey.get(accessKey);
        }
        if (token != null) {
            Set<String> byToken = projectsByTokenDigest.get(digest(token));
            if (byToken == null) {
                return Verdict.FAILED;
            }
            projects = projects == null ? byToken : intersection(projects, byToken);
        }
        return new Verdict(Outcome.AUTHENTICATED, projects);
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        return a.stream().filter(b::contains).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static String digest(String token) {
        return HexFormat.of().formatHex(SdkHmacSha256Verifier.sha256(token.getBytes(StandardCharsets.UTF_8)));
    }
}
