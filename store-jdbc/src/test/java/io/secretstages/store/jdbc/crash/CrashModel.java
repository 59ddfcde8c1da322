package io.secretstages.store.jdbc.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The crash harness's independent oracle: a plain replay of the calls the workload makes (docs/rules.md R6, R9-R12, R15,
 * R18-R20, R8), over sorted maps, sharing no code with the library. {@link #apply} returns the outcome the library
 * must have answered ({@code ok:...} or {@code err:CODE}) and changes the model as the call must have changed the
 * store; {@link #render} gives the state in the form {@link ObservedState} reads it back from a store.
 */
final class CrashModel {
    static final String CURRENT = "SYSCURRENT";
    static final String PREVIOUS = "SYSPREVIOUS";

    /** A version: its value and client token ("" for none). */
    record Version(String value, String token) {
    }

    static final class Secret {
        /** The highest version number issued, or -1 when unknown (after a re-base on an observed state). */
        long last;
        final TreeMap<Long, Version> versions = new TreeMap<>();
        final TreeMap<String, Long> stages = new TreeMap<>();
        boolean pending;

        Secret copy() {
            Secret s = new Secret();
            s.last = last;
            s.versions.putAll(versions);
            s.stages.putAll(stages);
            s.pending = pending;
            return s;
        }
    }

    private final int maxVersions;
    final TreeMap<String, Secret> secrets = new TreeMap<>();

    CrashModel(int maxVersions) {
        this.maxVersions = maxVersions;
    }

    CrashModel copy() {
        CrashModel m = new CrashModel(maxVersions);
        secrets.forEach((k, v) -> m.secrets.put(k, v.copy()));
        return m;
    }

    /**
     * @param call the call
     * @param actual the outcome the library answered, or null for a call whose outcome is unknown (in flight); a
     *               put into a secret whose last id is unknown takes its id from it
     * @return the outcome the model predicts
     */
    String apply(Call call, String actual) {
        Secret s = secrets.get(call.secret());
        switch (call.op()) {
            case "create": {
                if (s != null) {
                    return s.pending ? "err:SECRET_PENDING_DELETION" : "err:SECRET_ALREADY_EXISTS";
                }
                s = new Secret();
                s.last = 1;
                s.versions.put(1L, new Version(call.arg(0), ""));
                s.stages.put(CURRENT, 1L);
                secrets.put(call.secret(), s);
                return "ok:v1";
            }
            case "put": {
                if (s == null) {
                    return "err:SECRET_NOT_FOUND";
                }
                if (s.pending) {
                    return "err:SECRET_PENDING_DELETION";
                }
                String value = call.arg(0);
                String token = call.arg(2).equals("-") ? "" : call.arg(2);
                if (!token.isEmpty()) {
                    for (Map.Entry<Long, Version> v : s.versions.entrySet()) {
                        if (v.getValue().token().equals(token)) {
                            return v.getValue().value().equals(value) ? "ok:v" + v.getKey() : "err:INVALID_PARAMETER";
                        }
                    }
                }
                long number;
                if (s.last >= 0) {
                    number = s.last + 1;
                } else if (actual != null && actual.startsWith("ok:v")) {
                    number = Long.parseLong(actual.substring(4));
                } else {
                    return "ok:v?"; // cannot say which id; the state check decides
                }
                s.last = number;
                s.versions.put(number, new Version(value, token));
                for (String stage : call.arg(1).split(",")) {
                    attach(s, stage, number);
                }
                while (s.versions.size() > maxVersions) {
                    Long oldest = null;
                    for (Long n : s.versions.keySet()) {
                        if (!s.stages.containsValue(n)) {
                            oldest = n;
                            break;
                        }
                    }
                    s.versions.remove(oldest); // R15: the version limit exceeds the stage limit, so there is one
                }
                return "ok:v" + number;
            }
            case "move": {
                if (s == null) {
                    return "err:SECRET_NOT_FOUND";
                }
                if (s.pending) {
                    return "err:SECRET_PENDING_DELETION";
                }
                String stage = call.arg(0);
                long target = Long.parseLong(call.arg(1).substring(1));
                if (!s.versions.containsKey(target)) {
                    return "err:VERSION_NOT_FOUND";
                }
                String expected = call.arg(2);
                if (!expected.equals("*")) {
                    Long holder = s.stages.get(stage);
                    String holderId = holder == null ? "-" : "v" + holder;
                    if (!holderId.equals(expected)) {
                        return "err:CONFLICT";
                    }
                }
                attach(s, stage, target);
                return "ok:v" + target;
            }
            case "unstage": {
                if (s == null) {
                    return "err:SECRET_NOT_FOUND";
                }
                if (s.pending) {
                    return "err:SECRET_PENDING_DELETION";
                }
                if (s.stages.remove(call.arg(0)) == null) {
                    return "err:STAGE_NOT_FOUND";
                }
                return "ok";
            }
            case "schedule": {
                if (s == null) {
                    return "err:SECRET_NOT_FOUND";
                }
                if (s.pending) {
                    return "err:SECRET_PENDING_DELETION";
                }
                s.pending = true;
                return "ok";
            }
            case "restore": {
                if (s == null) {
                    return "err:SECRET_NOT_FOUND";
                }
                s.pending = false;
                return "ok";
            }
            default:
                throw new IllegalArgumentException("unknown call " + call);
        }
    }

    /** R11, R12: a stage names one version; SYSCURRENT moving takes SYSPREVIOUS to where it was. */
    private static void attach(Secret s, String stage, long number) {
        Long holder = s.stages.get(stage);
        if (holder != null && holder == number) {
            return; // R12, R18: nothing changes
        }
        if (stage.equals(CURRENT) && holder != null) {
            s.stages.put(PREVIOUS, holder);
        }
        s.stages.put(stage, number);
    }

    /** @return each secret's state as text: versions with values (hidden while pending, R8), stages, state */
    Map<String, String> render() {
        Map<String, String> out = new TreeMap<>();
        secrets.forEach((name, s) -> {
            List<String> versions = new ArrayList<>();
            s.versions.forEach((n, v) -> versions.add("v" + n + (s.pending ? "" : "=" + v.value())));
            List<String> stages = new ArrayList<>();
            s.stages.forEach((st, n) -> stages.add(st + "=v" + n));
            out.put(name, (s.pending ? "PENDING_DELETION" : "ENABLED") + " versions" + versions + " stages" + stages);
        });
        return out;
    }

    /**
     * Replaces the model's state by what a store holds (after a violation, so that later rounds measure afresh);
     * the last issued ids become unknown.
     */
    void rebase(Map<String, Secret> observed) {
        secrets.clear();
        observed.forEach((k, v) -> {
            Secret s = v.copy();
            s.last = -1;
            secrets.put(k, s);
        });
    }
}
