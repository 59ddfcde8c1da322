package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretMetadata;
import io.secretstages.SecretState;
import io.secretstages.SecretValue;
import io.secretstages.SecretVersion;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import org.quicktheories.core.Gen;
import org.quicktheories.core.stateful.Command;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Random commands for the stateful model test: every public operation, valid and malformed arguments mixed, run
 * against the library (through a {@link Harness}) and against the {@link ReferenceModel}. The clock moves 1 ms per
 * command and, with {@link Op#ADVANCE_CLOCK}, by hours to weeks, so that scheduled deletions (R8) run out, on and
 * around their deadlines.
 */
public final class ModelCommands {
    private ModelCommands() {
    }

    /** The operations. */
    public enum Op {
        /** createSecret. */ CREATE,
        /** putVersion without stages. */ PUT,
        /** putVersion with a stage set. */ PUT_WITH_STAGES,
        /** updateStage. */ UPDATE,
        /** guarded updateStage. */ GUARDED_UPDATE,
        /** deleteStage. */ DELETE_STAGE,
        /** deleteSecret. */ DELETE_SECRET,
        /** getVersion. */ GET_VERSION,
        /** getVersionByStage. */ GET_BY_STAGE,
        /** listVersions. */ LIST_VERSIONS,
        /** getStage. */ GET_STAGE,
        /** listStages. */ LIST_STAGES,
        /** scheduleDeletion (R8). */ SCHEDULE_DELETION,
        /** restoreSecret (R8). */ RESTORE,
        /** getSecret. */ GET_SECRET,
        /** listSecrets. */ LIST_SECRETS,
        /** purgeExpired (R8). */ PURGE_EXPIRED,
        /** The clock moves on by hours to weeks, so that recovery windows run out (R8). */ ADVANCE_CLOCK,
        /** The clock moves to 1 ms before, exactly at, or 1 ms after the last scheduled deletion time (R8). */
        TO_DEADLINE
    }

    /** Recovery windows in days: valid ones first. */
    static final List<Integer> WINDOWS = List.of(7, 30, 8, 15, 6, 31, 0);
    static final int VALID_WINDOWS = 4;
    private static final long DAY = 86_400_000L;
    /** Clock moves in milliseconds, landing before, on and after 7-day deadlines (each command adds 1 ms too). */
    static final List<Long> ADVANCES = List.of(7 * DAY - 2, 7 * DAY - 1, DAY, 30 * DAY, 3_600_000L, 8 * DAY);

    /** Valid names come first: shrinking moves towards index 0. */
    static final List<String> PROJECTS = Arrays.asList("p1", "p2", null, "", "p 1", "p/1");
    static final int VALID_PROJECTS = 2;
    static final List<String> SECRETS = Arrays.asList("a", "b", "A", null, "x".repeat(65), "a'--", "ä");
    static final int VALID_SECRETS = 3;
    static final List<String> STAGES = Arrays.asList("SYSCURRENT", "blue", "green", "SYSPREVIOUS", "s1", "s2",
            "syscurrent", "s3", "x".repeat(64), null, "", "bad stage", "x".repeat(65), "\u0000");
    static final List<String> VERSION_IDS = Arrays.asList("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v10",
            "v12", "latest", "v0", "v01", null, "1", "V1", "v-1", "v99999999999999999999", "v" + "9".repeat(64));
    static final List<Supplier<SecretValue>> VALUES = List.of(
            () -> SecretValue.ofString("alpha"),
            () -> SecretValue.ofBinary(new byte[]{1, 2, 3}),
            () -> SecretValue.ofString(""),
            () -> SecretValue.ofString("h\u00e9llo \ud83d\udd11"),
            () -> SecretValue.ofBinary(new byte[0]),
            () -> SecretValue.ofString("x".repeat(32 * 1024)),
            () -> SecretValue.ofBinary(new byte[32 * 1024 + 1]),
            () -> null,
            () -> SecretValue.ofString("lone \ud800 surrogate"));
    static final List<List<String>> STAGE_SETS = Arrays.asList(
            List.of("SYSCURRENT"), List.of("blue"), List.of("SYSCURRENT", "blue"), List.of("green", "s1"),
            List.of("s1", "s2", "s3"), List.of("SYSPREVIOUS"), List.of(), List.of("blue", "bad stage"),
            Arrays.asList("blue", null), List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"),
            List.of("SYSPREVIOUS", "bad stage"), null);

    /** @return a generator of commands, valid arguments being the more frequent */
    public static Gen<Cmd> commands() {
        Gen<Integer> pick = Generate.range(0, 1 << 20);
        return Generate.enumValues(Op.class).zip(pick, pick, pick, pick, (op, a, b, c, d) -> {
            String project = PROJECTS.get(skew(a, PROJECTS.size(), VALID_PROJECTS));
            String secret = SECRETS.get(skew(b, SECRETS.size(), VALID_SECRETS));
            String stage = STAGES.get(skew(c, STAGES.size(), 9));
            String version = VERSION_IDS.get(skew(d, VERSION_IDS.size(), 10));
            int valueIndex = skew(c >> 8, VALUES.size(), 5);
            List<String> stageSet = STAGE_SETS.get(skew(d >> 8, STAGE_SETS.size(), 5));
            Optional<String> guard;
            int g = (a >> 8) % 10;
            if (g < 4) {
                guard = Optional.ofNullable(VERSION_IDS.get(skew(b >> 8, VERSION_IDS.size(), 10)));
            } else if (g < 8) {
                guard = Optional.empty();
            } else if (g < 9) {
                guard = Optional.of("bad");
            } else {
                guard = null;
            }
            int window = WINDOWS.get(skew(d >> 11, WINDOWS.size(), VALID_WINDOWS));
            long advance = op == Op.TO_DEADLINE ? ((a >> 11) & 0xff) % 3 - 1
                    : ADVANCES.get(((a >> 11) & 0xff) % ADVANCES.size());
            return new Cmd(op, project, secret, stage, version, valueIndex, stageSet, guard, window, advance);
        });
    }

    /** Mostly (7 in 8) an index below {@code valid}; else any index. */
    private static int skew(int r, int size, int valid) {
        return (r & 7) != 7 ? (r >> 3) % valid : (r >> 3) % size;
    }

    /** One command with all its possible arguments; {@link #op} says which are used. */
    public static final class Cmd implements Command<Harness, ReferenceModel> {
        final Op op;
        final String project;
        final String secret;
        final String stage;
        final String versionId;
        final int valueIndex;
        final List<String> stageSet;
        final Optional<String> guard;
        final int window;
        final long advance;

        Cmd(Op op, String project, String secret, String stage, String versionId, int valueIndex,
            List<String> stageSet, Optional<String> guard, int window, long advance) {
            this.op = op;
            this.project = project;
            this.secret = secret;
            this.stage = stage;
            this.versionId = versionId;
            this.valueIndex = valueIndex;
            this.stageSet = stageSet;
            this.guard = guard;
            this.window = window;
            this.advance = advance;
        }

        /**
         * @param logicalProject a valid logical project ({@code "p1"} or {@code "p2"})
         * @return this command aimed at that project
         */
        public Cmd inProject(String logicalProject) {
            return new Cmd(op, logicalProject, secret, stage, versionId, valueIndex, stageSet, guard, window, advance);
        }

        private SecretValue value() {
            return VALUES.get(valueIndex).get();
        }

        @Override
        public void run(Harness h) {
            h.clock.advance(java.time.Duration.ofMillis(op == Op.ADVANCE_CLOCK ? 1 + advance : 1));
            if (op == Op.TO_DEADLINE && h.lastDeadline != null && h.lastDeadline + advance > h.clock.millis()) {
                h.clock.set(java.time.Instant.ofEpochMilli(h.lastDeadline + advance));
            }
            StageManager m = h.manager;
            String p = h.physical(project);
            h.lastOutcome = outcome(() -> {
                switch (op) {
                    case CREATE:
                        return describe(m.createSecret(p, secret, value()));
                    case PUT:
                        return describe(m.putVersion(p, secret, value()));
                    case PUT_WITH_STAGES:
                        return describe(m.putVersion(p, secret, value(), stageSet == null ? null : new HashSet<>(stageSet)));
                    case UPDATE:
                        return describe(m.updateStage(p, secret, stage, versionId));
                    case GUARDED_UPDATE:
                        return describe(m.updateStage(p, secret, stage, versionId, guard));
                    case DELETE_STAGE:
                        m.deleteStage(p, secret, stage);
                        return "deleted";
                    case DELETE_SECRET:
                        m.deleteSecret(p, secret);
                        return "deleted";
                    case GET_VERSION:
                        return describe(m.getVersion(p, secret, versionId));
                    case GET_BY_STAGE:
                        return describe(m.getVersionByStage(p, secret, stage));
                    case LIST_VERSIONS: {
                        List<String> out = new ArrayList<>();
                        for (VersionMetadata v : m.listVersions(p, secret)) {
                            out.add(describe(v));
                        }
                        return out.toString();
                    }
                    case GET_STAGE:
                        return describe(m.getStage(p, secret, stage));
                    case LIST_STAGES: {
                        List<String> out = new ArrayList<>();
                        for (Stage s : m.listStages(p, secret)) {
                            out.add(describe(s));
                        }
                        return out.toString();
                    }
                    case SCHEDULE_DELETION: {
                        SecretMetadata scheduled = m.scheduleDeletion(p, secret, window);
                        h.lastDeadline = scheduled.deletionTime().orElseThrow().toEpochMilli();
                        return describe(scheduled);
                    }
                    case RESTORE:
                        return describe(m.restoreSecret(p, secret));
                    case GET_SECRET:
                        return describe(m.getSecret(p, secret));
                    case LIST_SECRETS: {
                        List<String> out = new ArrayList<>();
                        for (SecretMetadata s : m.listSecrets(p).secrets()) {
                            out.add(describe(s));
                        }
                        return out.toString();
                    }
                    case PURGE_EXPIRED:
                        m.purgeExpired(); // the count includes other examples' secrets on shared storage
                        return "purged";
                    case ADVANCE_CLOCK, TO_DEADLINE:
                        return "advanced";
                    default:
                        throw new AssertionError(op);
                }
            });
        }

        private static String outcome(Supplier<String> call) {
            try {
                return "ok " + call.get();
            } catch (StageException e) {
                return "error " + e.code();
            }
        }

        @Override
        public ReferenceModel nextState(ReferenceModel model) {
            ReferenceModel m = model.copy();
            m.nowMillis += 1;
            SecretValue value = null;
            if (op == Op.CREATE || op == Op.PUT || op == Op.PUT_WITH_STAGES) {
                try {
                    value = value();
                } catch (StageException e) {
                    m.lastOutcome = "error " + e.code();
                    return m;
                }
            }
            switch (op) {
                case CREATE -> m.createSecret(project, secret, value);
                case PUT -> m.putVersion(project, secret, value, null, false);
                case PUT_WITH_STAGES -> m.putVersion(project, secret, value, stageSet, stageSet == null);
                case UPDATE -> m.updateStage(project, secret, stage, versionId, false, null);
                case GUARDED_UPDATE -> m.updateStage(project, secret, stage, versionId, true, guard);
                case DELETE_STAGE -> m.deleteStage(project, secret, stage);
                case DELETE_SECRET -> m.deleteSecret(project, secret);
                case GET_VERSION -> m.getVersion(project, secret, versionId);
                case GET_BY_STAGE -> m.getVersionByStage(project, secret, stage);
                case LIST_VERSIONS -> m.listVersions(project, secret);
                case GET_STAGE -> m.getStage(project, secret, stage);
                case LIST_STAGES -> m.listStages(project, secret);
                case SCHEDULE_DELETION -> m.scheduleDeletion(project, secret, window);
                case RESTORE -> m.restoreSecret(project, secret);
                case GET_SECRET -> m.getSecret(project, secret);
                case LIST_SECRETS -> m.listSecrets(project);
                case PURGE_EXPIRED -> m.purgeExpired();
                case ADVANCE_CLOCK -> m.advanceClock(advance);
                case TO_DEADLINE -> m.toDeadline(advance);
                default -> throw new AssertionError(op);
            }
            return m;
        }

        @Override
        public String toString() {
            String args;
            switch (op) {
                case CREATE, PUT -> args = "value#" + valueIndex;
                case PUT_WITH_STAGES -> args = "value#" + valueIndex + ", " + stageSet;
                case UPDATE, GET_VERSION -> args = (op == Op.UPDATE ? stage + ", " : "") + versionId;
                case GUARDED_UPDATE -> args = stage + ", " + versionId + ", expect " + guard;
                case DELETE_STAGE, GET_BY_STAGE, GET_STAGE -> args = String.valueOf(stage);
                case SCHEDULE_DELETION -> args = window + " days";
                case ADVANCE_CLOCK, TO_DEADLINE -> {
                    return op + "(" + advance + " ms)";
                }
                case PURGE_EXPIRED -> {
                    return op + "()";
                }
                case LIST_SECRETS -> {
                    return op + "(" + project + ")";
                }
                default -> args = "";
            }
            return op + "(" + project + ", " + secret + (args.isEmpty() ? "" : ", " + args) + ")";
        }
    }

    static String describe(SecretVersion v) {
        return describe(v.metadata()) + " " + ModelInputs.describe(v.value());
    }

    static String describe(VersionMetadata v) {
        return v.secretName() + ":" + v.id() + "@" + v.createTime().toEpochMilli() + new TreeSet<>(v.stages());
    }

    static String describe(SecretMetadata s) {
        return s.name() + " " + s.state() + " created@" + s.createTime().toEpochMilli()
                + s.deletionTime().map(t -> " deletion@" + t.toEpochMilli()).orElse("");
    }

    static String describe(Stage s) {
        return s.name() + ":" + s.secretName() + ":" + s.versionId() + "@" + s.updateTime().toEpochMilli();
    }

    /** The library under test, with the clock it reads and the outcome of the last command. */
    public static final class Harness {
        final StageManager manager;
        final MutableClock clock;
        final String prefix;
        String lastOutcome = "";
        /** The deletion time the last successful scheduleDeletion returned. */
        Long lastDeadline;

        /** @return the outcome of the last command run */
        public String lastOutcome() {
            return lastOutcome;
        }

        /**
         * @param manager a manager over a store in which names starting with {@code prefix} are unused
         * @param clock the manager's clock
         * @param prefix a project-name prefix that keeps examples apart on shared storage
         */
        public Harness(StageManager manager, MutableClock clock, String prefix) {
            this.manager = manager;
            this.clock = clock;
            this.prefix = prefix;
        }

        String physical(String project) {
            int i = PROJECTS.indexOf(project);
            return i >= 0 && i < VALID_PROJECTS ? prefix + project : project;
        }

        /**
         * Reads everything the model knows through the public API, checking I1-I5 on the way.
         *
         * @return the observed state, comparable with the model's
         */
        public ReferenceModel observe() {
            TreeMap<String, ModelSecret> secrets = new TreeMap<>();
            for (String project : PROJECTS.subList(0, VALID_PROJECTS)) {
                for (String secret : SECRETS.subList(0, VALID_SECRETS)) {
                    String p = physical(project);
                    Invariants.checkQuiescent(manager, p, secret);
                    SecretMetadata metadata;
                    try {
                        metadata = manager.getSecret(p, secret);
                    } catch (StageException e) {
                        if (e.code() != ErrorCode.SECRET_NOT_FOUND) {
                            throw e;
                        }
                        continue;
                    }
                    List<VersionMetadata> versions = manager.listVersions(p, secret);
                    ModelSecret s = new ModelSecret();
                    s.createMillis = metadata.createTime().toEpochMilli();
                    s.deletionMillis = metadata.deletionTime().map(java.time.Instant::toEpochMilli).orElse(null);
                    boolean enabled = metadata.state() == SecretState.ENABLED;
                    for (VersionMetadata v : versions) {
                        long n = Long.parseLong(v.id().substring(1));
                        SecretValue value = enabled ? manager.getVersion(p, secret, v.id()).value() : null;
                        s.versions.put(n, new ModelSecret.Version(n, v.createTime().toEpochMilli(), value));
                    }
                    for (Stage st : manager.listStages(p, secret)) {
                        s.stages.put(st.name(), new ModelSecret.StageAt(Long.parseLong(st.versionId().substring(1)),
                                st.updateTime().toEpochMilli()));
                    }
                    secrets.put(project + "/" + secret, s);
                }
            }
            return ReferenceModel.observed(Collections.unmodifiableMap(secrets), lastOutcome);
        }
    }
}
