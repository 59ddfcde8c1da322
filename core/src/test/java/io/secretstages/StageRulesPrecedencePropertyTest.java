package io.secretstages;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static io.secretstages.Stages.SYSCURRENT;
import static io.secretstages.Stages.SYSPREVIOUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * R22 as a property: for generated secrets (absent, enabled or pending deletion; one or two versions; a custom stage
 * held or not) and generated arguments (well-formed or not, built-in stages, unknown versions, guards that hold or
 * not), updateStage and deleteStage answer exactly the first refusal of R22's list that applies, computed here
 * independently of StageRules, or succeed when none applies.
 */
class StageRulesPrecedencePropertyTest {
    // repeated entries weigh the draw towards the later, rarer refusals (a stage limit needs seven things at once)
    private static final List<String> STAGES = List.of(SYSCURRENT, SYSPREVIOUS, "blue", "blue", "green", "green",
            "bad name");
    private static final List<String> VERSIONS = List.of("v1", "v2", "v1", "v2", "v9", "latest", "x");
    /** null: unguarded; the rest are updateStage's expectations. */
    private static final List<Optional<String>> GUARDS = java.util.Arrays.asList(null, null, Optional.empty(),
            Optional.of("v1"), Optional.of("v2"), Optional.of("bad"));

    /** The situation: which secret exists, and how. */
    private record Situation(boolean exists, boolean pending, int versions, boolean blueHeld, boolean delete) {
        /** @param bits 0-127: exists 3 in 4, pending 1 in 4 of those, the rest 1 in 2 */
        static Situation of(int bits) {
            return new Situation((bits & 1) != 0 || (bits & 32) != 0, (bits & 2) != 0 && (bits & 64) != 0,
                    (bits & 4) != 0 ? 2 : 1, (bits & 8) != 0, (bits & 16) != 0);
        }

        /** @return the holder of {@code stage}, or null */
        String holder(String stage) {
            return switch (stage) {
                case SYSCURRENT -> versions == 2 ? "v2" : "v1";
                case SYSPREVIOUS -> versions == 2 ? "v1" : null;
                case "blue" -> blueHeld ? "v1" : null;
                default -> null;
            };
        }
    }

    @Test
    void theFirstApplicableRefusalOfR22Wins() {
        Map<String, Integer> seen = new TreeMap<>();
        qt().withExamples(1500).forAll(integers().between(0, 127), integers().between(0, STAGES.size() - 1),
                        integers().between(0, VERSIONS.size() - 1), integers().between(0, GUARDS.size() - 1))
                .checkAssert((bits, stageIndex, versionIndex, guardIndex) -> {
                    Situation s = Situation.of(bits);
                    String stage = STAGES.get(stageIndex);
                    String version = VERSIONS.get(versionIndex);
                    Optional<String> guard = GUARDS.get(guardIndex);
                    StageManager m = manager(s);
                    ErrorCode expected = s.delete() ? expectedForDelete(s, stage) : expectedForUpdate(s, stage,
                            version, guard);
                    ErrorCode actual = null;
                    try {
                        if (s.delete()) {
                            m.deleteStage("p", "s", stage);
                        } else if (guard == null) {
                            m.updateStage("p", "s", stage, version);
                        } else {
                            m.updateStage("p", "s", stage, version, guard);
                        }
                    } catch (StageException e) {
                        actual = e.code();
                    }
                    assertEquals(expected, actual, () -> s + " stage=" + stage + " version=" + version
                            + " guard=" + guard);
                    seen.merge(String.valueOf(actual), 1, Integer::sum);
                    if (actual == null && !s.delete()) {
                        assertEquals(version, m.getStage("p", "s", stage).versionId(), "R18: the stage moved");
                    }
                });
        // every refusal of R22 (but SECRET_ALREADY_EXISTS, which only createSecret gives) and success were met
        assertEquals(Set.of("INVALID_PARAMETER", "BUILT_IN_STAGE", "SECRET_NOT_FOUND", "SECRET_PENDING_DELETION",
                "VERSION_NOT_FOUND", "STAGE_NOT_FOUND", "CONFLICT", "STAGE_LIMIT_EXCEEDED", "null"), seen.keySet(),
                seen::toString);
    }

    private static StageManager manager(Situation s) {
        StageManager m = StageManager.builder().repository(new MapStore()).maxStages(3).maxVersions(4).build();
        if (s.exists()) {
            m.createSecret("p", "s", SecretValue.ofString("one"));
            if (s.blueHeld()) {
                m.updateStage("p", "s", "blue", "v1");
            }
            if (s.versions() == 2) {
                m.putVersion("p", "s", SecretValue.ofString("two"));
            }
            if (s.pending()) {
                m.scheduleDeletion("p", "s");
            }
        }
        return m;
    }

    private static boolean wellFormedStage(String stage) {
        return !stage.contains(" ");
    }

    private static boolean wellFormedVersion(String version) {
        return version.matches("v[0-9]+");
    }

    /** R22's first four refusals, shared by every change: bad input, a built-in stage, absent, pending. */
    private static ErrorCode firstFour(Situation s, boolean wellFormed, boolean builtIn) {
        if (!wellFormed) {
            return ErrorCode.INVALID_PARAMETER;
        }
        if (builtIn) {
            return ErrorCode.BUILT_IN_STAGE;
        }
        if (!s.exists()) {
            return ErrorCode.SECRET_NOT_FOUND;
        }
        return s.pending() ? ErrorCode.SECRET_PENDING_DELETION : null;
    }

    private static ErrorCode expectedForUpdate(Situation s, String stage, String version, Optional<String> guard) {
        boolean wellFormed = wellFormedStage(stage) && wellFormedVersion(version)
                && (guard == null || guard.isEmpty() || wellFormedVersion(guard.get()));
        ErrorCode first = firstFour(s, wellFormed, stage.equals(SYSPREVIOUS));
        if (first != null) {
            return first;
        }
        if (Integer.parseInt(version.substring(1)) > s.versions()) {
            return ErrorCode.VERSION_NOT_FOUND;
        }
        String holder = s.holder(stage);
        if (guard != null && !guard.equals(Optional.ofNullable(holder))) {
            return ErrorCode.CONFLICT;
        }
        boolean addsCustom = !Stages.isBuiltIn(stage) && holder == null;
        int custom = s.blueHeld() ? 1 : 0;
        if (addsCustom && custom + 1 > 3 - 2) { // maxStages 3: one custom stage
            return ErrorCode.STAGE_LIMIT_EXCEEDED;
        }
        return null;
    }

    private static ErrorCode expectedForDelete(Situation s, String stage) {
        ErrorCode first = firstFour(s, wellFormedStage(stage), Stages.isBuiltIn(stage));
        if (first != null) {
            return first;
        }
        return s.holder(stage) == null ? ErrorCode.STAGE_NOT_FOUND : null;
    }
}
