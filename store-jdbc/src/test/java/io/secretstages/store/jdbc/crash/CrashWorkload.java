package io.secretstages.store.jdbc.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import io.secretstages.store.jdbc.JdbcStageRepository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The child JVM of a crash round: calls {@code StageManager} over {@code JdbcStageRepository} over a pool, one call
 * at a time, logging each call before it is sent and its outcome after it returned ({@link CallLog}), until the parent
 * kills it. A STORE_FAILURE ends the run (that call's outcome is unknown: at most one call is ever in flight).
 *
 * <p>Arguments: JDBC URL, user, password, log file, seed, and {@code delayed} to accept an H2 database that
 * delays its writes (to measure what that loses).
 */
public final class CrashWorkload {
    static final String PROJECT = "crash";
    static final int SECRETS = 5;

    private final StageManager manager;
    private final CallLog log;
    private final Random random;
    private final String tag;
    private final Map<String, List<String>> ids = new HashMap<>();
    private final List<String[]> tokenedPuts = new ArrayList<>();
    private long n;

    private CrashWorkload(StageManager manager, CallLog log, long seed) {
        this.manager = manager;
        this.log = log;
        this.random = new Random(seed);
        this.tag = Long.toString(seed & 0xffffffffL, 36);
    }

    public static void main(String[] args) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(3_000); // a killed server: the next call fails soon, not after Hikari's 30 s
        config.setPoolName("crash");
        boolean delayed = args.length > 5 && args[5].equals("delayed");
        try (HikariDataSource pool = new HikariDataSource(config);
             CallLog log = new CallLog(Path.of(args[3]))) {
            JdbcStageRepository.Builder repository = JdbcStageRepository.builder(pool).initializeSchema(true);
            if (delayed) {
                repository.allowDelayedWrites(true);
            }
            StageManager manager = StageManager.builder().repository(repository.build()).build();
            new CrashWorkload(manager, log, Long.parseLong(args[4])).run();
        }
    }

    private void run() {
        for (int i = 0; i < SECRETS; i++) {
            String s = "s" + i;
            List<String> known = new ArrayList<>();
            try {
                for (VersionMetadata v : manager.listVersions(PROJECT, s, true)) {
                    known.add(v.id());
                }
            } catch (StageException e) {
                if (e.code() != ErrorCode.SECRET_NOT_FOUND) {
                    throw e;
                }
            }
            ids.put(s, known);
        }
        System.out.println("ready");
        System.out.flush();
        while (n < 1_000_000) {
            if (!step()) {
                System.exit(3);
            }
        }
    }

    /** @return false after a STORE_FAILURE */
    private boolean step() {
        String s = "s" + random.nextInt(SECRETS);
        List<String> known = ids.get(s);
        int dice = random.nextInt(100);
        String value = "val-" + tag + "-" + n;
        if (known.isEmpty() || dice < 2) {
            return call(Call.of("create", s, value), () -> id(manager.createSecret(PROJECT, s,
                    SecretValue.ofString(value)).id(), s));
        }
        if (dice < 40 || (dice < 45 && tokenedPuts.isEmpty())) {
            String token = random.nextInt(4) == 0 ? "-" : "tok-" + tag + "-" + n;
            if (!token.equals("-")) {
                tokenedPuts.add(new String[] {s, value, token});
            }
            return put(s, value, "SYSCURRENT", token);
        }
        if (dice < 45) { // a retry of an earlier put with its token: returns that version while it exists
            String[] p = tokenedPuts.get(random.nextInt(tokenedPuts.size()));
            return put(p[0], p[1], "SYSCURRENT", p[2]);
        }
        if (dice < 53) {
            return put(s, value, random.nextBoolean() ? "pending" : "SYSCURRENT,blue", "-");
        }
        String target = known.get(Math.max(0, known.size() - 1 - random.nextInt(Math.min(known.size(), 6))));
        if (dice < 75) { // a rotation: read the holder, then move SYSCURRENT guarded by it (sometimes stale)
            String expected;
            try {
                expected = manager.getStage(PROJECT, s, "SYSCURRENT").versionId();
            } catch (StageException e) {
                if (e.code() == ErrorCode.STORE_FAILURE) {
                    return false;
                }
                expected = "-";
            }
            if (random.nextInt(5) == 0) {
                expected = known.get(random.nextInt(known.size()));
            }
            String guard = expected;
            return call(Call.of("move", s, "SYSCURRENT", target, guard), () -> manager.updateStage(PROJECT, s,
                    "SYSCURRENT", target, guard.equals("-") ? Optional.empty() : Optional.of(guard)).versionId());
        }
        if (dice < 88) {
            String stage = random.nextBoolean() ? "blue" : "pending";
            return call(Call.of("move", s, stage, target, "*"),
                    () -> manager.updateStage(PROJECT, s, stage, target).versionId());
        }
        if (dice < 96) {
            String stage = random.nextBoolean() ? "blue" : "pending";
            return call(Call.of("unstage", s, stage), () -> {
                manager.deleteStage(PROJECT, s, stage);
                return null;
            });
        }
        if (dice < 98) {
            return call(Call.of("schedule", s), () -> {
                manager.scheduleDeletion(PROJECT, s, 7);
                return null;
            });
        }
        return call(Call.of("restore", s), () -> {
            manager.restoreSecret(PROJECT, s);
            return null;
        });
    }

    private boolean put(String s, String value, String stages, String token) {
        Set<String> stageSet = Set.of(stages.split(","));
        return call(Call.of("put", s, value, stages, token), () -> id((token.equals("-")
                ? manager.putVersion(PROJECT, s, SecretValue.ofString(value), stageSet)
                : manager.putVersion(PROJECT, s, SecretValue.ofString(value), stageSet, token)).id(), s));
    }

    private String id(String id, String s) {
        List<String> known = ids.get(s);
        if (!known.contains(id)) {
            known.add(id);
        }
        return id;
    }

    @FunctionalInterface
    private interface Action {
        String run();
    }

    /** Logs the call, makes it, logs its outcome; false after a STORE_FAILURE (logged as such). */
    private boolean call(Call call, Action action) {
        long number = n++;
        log.intent(number, call);
        String outcome;
        try {
            String result = action.run();
            outcome = result == null ? "ok" : "ok:" + result;
        } catch (StageException e) {
            if (e.code() == ErrorCode.STORE_FAILURE) {
                log.failed(number);
                return false;
            }
            outcome = "err:" + e.code();
            if (e.code() == ErrorCode.SECRET_NOT_FOUND) {
                ids.get(call.secret()).clear();
            }
        }
        log.acknowledged(number, outcome);
        if (outcome.equals("err:SECRET_PENDING_DELETION") && random.nextBoolean()) {
            return call(Call.of("restore", call.secret()), () -> {
                manager.restoreSecret(PROJECT, call.secret());
                return null;
            });
        }
        return true;
    }
}
