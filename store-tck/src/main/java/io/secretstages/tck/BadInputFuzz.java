package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.VersionRecord;


import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Generated bad input over the whole public API: each case has exactly one defect whose refusal code is known
 * (malformed names and ids at every boundary and character class, unicode, control characters, SQL and path
 * fragments, nulls, oversize and malformed values, stage sets that are empty, too large or hold null, {@code latest}
 * where it is not allowed, built-in stages, unknown secrets, versions and stages, wrong expectations, the 11th
 * custom stage, an existing name). Every case must be refused with its code, and the store, read through the SPI,
 * must be byte-for-byte what it was before.
 */
public final class BadInputFuzz {
    private static final String VALID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    private static final List<String> FRAGMENTS = List.of("' OR '1'='1", "'; DROP TABLE ss_secrets; --", "\" OR 1=1 --",
            "../../etc/passwd", "..\\..\\boot.ini", "%2e%2e%2f", "/", "\\", "*", "%", "_%", "${jndi:ldap://x}",
            "<script>", "a b", "\t", "\r\n", "\u0000", "\u007f", "\u00e9", "\u00df", "\u0436", "\u4e2d",
            "\u202e", "\u200b", "\ufeff", "\ud83d\udd11", "\ud800", "\udc00", "\uffff", "\u0130", "\u212a");

    private final StageManager manager;
    private final StageRepository store;
    private final String project;
    private final SplittableRandom random;
    private final Map<ErrorCode, Integer> counts = new TreeMap<>();

    /**
     * @param manager the manager under test
     * @param store the store it writes to, read directly to prove nothing changed
     * @param project a project nobody else uses
     * @param seed the random seed
     */
    public BadInputFuzz(StageManager manager, StageRepository store, String project, long seed) {
        this.manager = manager;
        this.store = store;
        this.project = project;
        this.random = new SplittableRandom(seed);
    }

    /** A call with its expected refusal. */
    private record Case(String description, ErrorCode expected, Runnable call) {
    }

    /**
     * Runs {@code cases} generated cases.
     *
     * @param cases how many cases to generate
     * @return how many cases expected each code
     */
    public Map<ErrorCode, Integer> run(int cases) {
        manager.createSecret(project, "s", SecretValue.ofString("one"));
        manager.putVersion(project, "s", SecretValue.ofBinary(new byte[]{1, 2}), Set.of("blue"));
        manager.createSecret(project, "full", SecretValue.ofString("x"));
        for (int i = 0; i < 10; i++) {
            manager.updateStage(project, "full", "c" + i, "v1");
        }
        manager.createSecret(project, "pending", SecretValue.ofString("p"));
        manager.putVersion(project, "pending", SecretValue.ofString("p2"), Set.of("blue"));
        manager.scheduleDeletion(project, "pending", 30);
        String before = dump();
        for (int i = 0; i < cases; i++) {
            Case c = next();
            try {
                c.call.run();
                fail("accepted: " + c.description);
            } catch (StageException e) {
                assertEquals(c.expected, e.code(), () -> c.description + ": " + e);
            } catch (RuntimeException e) {
                throw new AssertionError(c.description + " threw " + e, e);
            }
            counts.merge(c.expected, 1, Integer::sum);
        }
        assertEquals(before, dump(), "R5: bad input changed the store");
        return counts;
    }

    /** The project's secrets as the store holds them: snapshots and every value's bytes. */
    private String dump() {
        StringBuilder sb = new StringBuilder();
        for (String secret : List.of("s", "full", "pending")) {
            SecretKey key = new SecretKey(project, secret);
            SecretSnapshot s = store.load(key).orElseThrow();
            sb.append(s).append('\n');
            for (VersionRecord v : s.versions()) {
                SecretValue value = store.loadValue(s, v.number()).orElseThrow();
                sb.append(v.id()).append(value.isString() ? " s " : " b ")
                        .append(HexFormat.of().formatHex(value.toBytes())).append('\n');
            }
        }
        return sb.toString();
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String validName(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(VALID_CHARS.charAt(random.nextInt(VALID_CHARS.length())));
        }
        return sb.toString();
    }

    /** A malformed name: null, empty, 65+ characters, or a valid name with one bad character or fragment. */
    private String badName() {
        switch (random.nextInt(8)) {
            case 0:
                return null;
            case 1:
                return "";
            case 2:
                return validName(65 + random.nextInt(3) * random.nextInt(100));
            case 3: {
                char c;
                do {
                    c = (char) random.nextInt(128);
                } while (VALID_CHARS.indexOf(c) >= 0);
                String base = validName(1 + random.nextInt(63));
                int at = random.nextInt(base.length() + 1);
                return base.substring(0, at) + c + base.substring(at);
            }
            case 4:
                return validName(random.nextInt(10)) + (char) (128 + random.nextInt(0xFFFF - 128)) + validName(random.nextInt(10));
            default:
                return validName(random.nextInt(20)) + pick(FRAGMENTS) + validName(random.nextInt(20));
        }
    }

    /** A malformed version id (R4), never "latest". */
    private String badVersionId() {
        switch (random.nextInt(7)) {
            case 0:
                return null;
            case 1:
                return pick(List.of("", "v", "V1", "1", "v-1", "v1.0", "v 1", " v1", "v1 ", "vv1", "LATEST", "Latest", "v\u0661"));
            case 2:
                return "v" + "9".repeat(64 + random.nextInt(10));
            case 3:
                return "v" + random.nextInt(100) + pick(FRAGMENTS);
            default:
                String n = badName();
                return n != null && n.matches("v[0-9]{1,63}") ? n + "!" : n;
        }
    }

    /** A well-formed id that was never issued. */
    private String unknownVersionId() {
        return pick(List.of("v0", "v01", "v007", "v3", "v99", "v9223372036854775807", "v99999999999999999999",
                "v" + "1".repeat(63), "v" + (3 + random.nextInt(1_000_000))));
    }

    private SecretValue badValue() {
        switch (random.nextInt(4)) {
            case 0:
                return null;
            case 1:
                return SecretValue.ofBinary(new byte[32 * 1024 + 1 + random.nextInt(1000)]);
            case 2:
                return SecretValue.ofString("\u00e9".repeat(16 * 1024) + "x".repeat(1 + random.nextInt(10)));
            default:
                return SecretValue.ofString(validName(random.nextInt(5)) + pick(List.of("\ud800", "\udc00", "\udbff")));
        }
    }

    private Set<String> badStageSet() {
        switch (random.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return Set.of();
            case 2: {
                Set<String> s = new HashSet<>();
                while (s.size() < 13 + random.nextInt(5)) {
                    s.add(validName(1 + random.nextInt(10)));
                }
                return s;
            }
            case 3:
                return new HashSet<>(Arrays.asList("blue", null));
            default:
                return new HashSet<>(Arrays.asList("blue", badName()));
        }
    }

    private Case next() {
        String p = project;
        SecretValue ok = SecretValue.ofString("ok");
        int kind = random.nextInt(106);
        ErrorCode invalid = ErrorCode.INVALID_PARAMETER;
        if (kind < 55) {
            String bad = badName();
            String d = "bad name " + (bad == null ? "null" : "\"" + bad.replace("\u0000", "\\0") + "\"");
            List<Case> cases = List.of(
                    new Case("createSecret project, " + d, invalid, () -> manager.createSecret(bad, "s", ok)),
                    new Case("createSecret secret, " + d, invalid, () -> manager.createSecret(p, bad, ok)),
                    new Case("deleteSecret, " + d, invalid, () -> manager.deleteSecret(p, bad)),
                    new Case("putVersion project, " + d, invalid, () -> manager.putVersion(bad, "s", ok)),
                    new Case("putVersion secret, " + d, invalid, () -> manager.putVersion(p, bad, ok, Set.of("blue"))),
                    new Case("getVersion, " + d, invalid, () -> manager.getVersion(p, bad, "latest")),
                    new Case("getVersionByStage, " + d, invalid, () -> manager.getVersionByStage(p, "s", bad)),
                    new Case("listVersions, " + d, invalid, () -> manager.listVersions(bad, "s")),
                    new Case("getStage, " + d, invalid, () -> manager.getStage(p, "s", bad)),
                    new Case("updateStage stage, " + d, invalid, () -> manager.updateStage(p, "s", bad, "v1")),
                    new Case("guarded updateStage secret, " + d, invalid,
                            () -> manager.updateStage(p, bad, "blue", "v1", Optional.of("v1"))),
                    new Case("deleteStage, " + d, invalid, () -> manager.deleteStage(p, "s", bad)),
                    new Case("listStages, " + d, invalid, () -> manager.listStages(p, bad)),
                    new Case("scheduleDeletion, " + d, invalid, () -> manager.scheduleDeletion(p, bad, 7)),
                    new Case("restoreSecret, " + d, invalid, () -> manager.restoreSecret(bad, "pending")),
                    new Case("getSecret, " + d, invalid, () -> manager.getSecret(p, bad)),
                    new Case("listSecrets project, " + d, invalid, () -> manager.listSecrets(bad)));
            return pick(cases);
        }
        if (kind < 65) {
            String bad = badVersionId();
            return pick(List.of(
                    new Case("getVersion id " + bad, invalid, () -> manager.getVersion(p, "s", bad)),
                    new Case("updateStage id " + bad, invalid, () -> manager.updateStage(p, "s", "blue", bad)),
                    new Case("guarded expectation " + bad, invalid,
                            () -> manager.updateStage(p, "s", "blue", "v1", bad == null ? null : Optional.of(bad)))));
        }
        if (kind < 70) {
            return pick(List.of(
                    new Case("latest in updateStage", invalid, () -> manager.updateStage(p, "s", "blue", "latest")),
                    new Case("latest as expectation", invalid,
                            () -> manager.updateStage(p, "s", "blue", "v1", Optional.of("latest")))));
        }
        if (kind < 76) {
            SecretValue bad = badValue();
            return random.nextBoolean()
                    ? new Case("putVersion bad value", invalid, () -> manager.putVersion(p, "s", bad))
                    : new Case("createSecret bad value", invalid, () -> manager.createSecret(p, "new", bad));
        }
        if (kind < 81) {
            Set<String> bad = badStageSet();
            return new Case("putVersion stage set " + bad, invalid, () -> manager.putVersion(p, "s", ok, bad));
        }
        if (kind < 85) {
            return pick(List.of(
                    new Case("put SYSPREVIOUS", ErrorCode.BUILT_IN_STAGE,
                            () -> manager.putVersion(p, "s", ok, Set.of("SYSPREVIOUS", validName(5)))),
                    new Case("update SYSPREVIOUS", ErrorCode.BUILT_IN_STAGE,
                            () -> manager.updateStage(p, "s", "SYSPREVIOUS", "v1")),
                    new Case("delete SYSCURRENT", ErrorCode.BUILT_IN_STAGE,
                            () -> manager.deleteStage(p, "s", "SYSCURRENT")),
                    new Case("delete SYSPREVIOUS of a missing secret", ErrorCode.BUILT_IN_STAGE,
                            () -> manager.deleteStage(p, "missing", "SYSPREVIOUS"))));
        }
        if (kind < 89) {
            String missing = "m" + validName(1 + random.nextInt(60));
            return pick(List.of(
                    new Case("getStage missing secret", ErrorCode.SECRET_NOT_FOUND, () -> manager.getStage(p, missing, "SYSCURRENT")),
                    new Case("put missing secret", ErrorCode.SECRET_NOT_FOUND, () -> manager.putVersion(p, missing, ok)),
                    new Case("update missing secret", ErrorCode.SECRET_NOT_FOUND, () -> manager.updateStage(p, missing, "blue", "v1")),
                    new Case("delete missing secret", ErrorCode.SECRET_NOT_FOUND, () -> manager.deleteSecret(p, missing)),
                    new Case("missing project", ErrorCode.SECRET_NOT_FOUND, () -> manager.listStages(missing, "s")),
                    new Case("schedule missing", ErrorCode.SECRET_NOT_FOUND,
                            () -> manager.scheduleDeletion(p, missing, 7)),
                    new Case("restore missing", ErrorCode.SECRET_NOT_FOUND, () -> manager.restoreSecret(p, missing)),
                    new Case("getSecret missing", ErrorCode.SECRET_NOT_FOUND, () -> manager.getSecret(p, missing))));
        }
        if (kind < 93) {
            String unknown = unknownVersionId();
            return pick(List.of(
                    new Case("getVersion " + unknown, ErrorCode.VERSION_NOT_FOUND, () -> manager.getVersion(p, "s", unknown)),
                    new Case("updateStage to " + unknown, ErrorCode.VERSION_NOT_FOUND,
                            () -> manager.updateStage(p, "s", "blue", unknown))));
        }
        if (kind < 96) {
            String stage = "u" + validName(1 + random.nextInt(60));
            return pick(List.of(
                    new Case("getStage unknown", ErrorCode.STAGE_NOT_FOUND, () -> manager.getStage(p, "s", stage)),
                    new Case("getVersionByStage unknown", ErrorCode.STAGE_NOT_FOUND,
                            () -> manager.getVersionByStage(p, "s", stage)),
                    new Case("deleteStage unknown", ErrorCode.STAGE_NOT_FOUND, () -> manager.deleteStage(p, "s", stage))));
        }
        if (kind < 98) {
            return pick(List.of(
                    new Case("guarded with a wrong holder", ErrorCode.CONFLICT,
                            () -> manager.updateStage(p, "s", "blue", "v1", Optional.of("v1"))),
                    new Case("guarded expecting none", ErrorCode.CONFLICT,
                            () -> manager.updateStage(p, "s", "SYSCURRENT", "v2", Optional.empty()))));
        }
        if (kind >= 100 && kind < 103) {
            int days = random.nextBoolean() ? 6 - random.nextInt(Integer.MAX_VALUE) : 31 + random.nextInt(Integer.MAX_VALUE - 31);
            int badLimit = random.nextBoolean() ? -random.nextInt(Integer.MAX_VALUE) : 1001 + random.nextInt(1_000_000);
            String bad = badName();
            String badMarker = bad == null ? "" : bad; // a null marker is the first page, not bad input
            return pick(List.of(
                    new Case("recovery window " + days, invalid, () -> manager.scheduleDeletion(p, "s", days)),
                    new Case("list limit " + badLimit, invalid, () -> manager.listSecrets(p, null, badLimit)),
                    new Case("list marker", invalid, () -> manager.listSecrets(p, badMarker, 10))));
        }
        if (kind >= 103) {
            String unknown = unknownVersionId();
            return pick(List.of(
                    new Case("put while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.putVersion(p, "pending", ok)),
                    new Case("update while pending (unknown version too)", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.updateStage(p, "pending", "blue", unknown)),
                    new Case("deleteStage while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.deleteStage(p, "pending", "blue")),
                    new Case("schedule while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.scheduleDeletion(p, "pending", 7)),
                    new Case("create while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.createSecret(p, "pending", ok)),
                    new Case("delete while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.deleteSecret(p, "pending")),
                    new Case("value while pending", ErrorCode.SECRET_PENDING_DELETION,
                            () -> manager.getVersion(p, "pending", unknown))));
        }
        Supplier<Case> limit = () -> new Case("11th custom stage", ErrorCode.STAGE_LIMIT_EXCEEDED,
                () -> manager.updateStage(p, "full", "c" + (10 + random.nextInt(1000)), "v1"));
        return random.nextBoolean() ? limit.get()
                : new Case("existing secret", ErrorCode.SECRET_ALREADY_EXISTS, () -> manager.createSecret(p, "s", ok));
    }

}
