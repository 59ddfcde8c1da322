package io.secretstages;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The error table of docs/rules.md (R22's precedence is tested in PrecedenceAndWriteCacheTest, not by declaration order). */
class ErrorCodeTest {
    @Test
    void httpStatusAndProviderCodeMatchTheSpecTable() {
        String table = String.join("\n",
                "INVALID_PARAMETER 400 CSMS.0002",
                "SECRET_ALREADY_EXISTS 400 CSMS.0002",
                "BUILT_IN_STAGE 400 CSMS.0105",
                "STAGE_LIMIT_EXCEEDED 400 CSMS.0203",
                "SECRET_PENDING_DELETION 400 CSMS.0103",
                "SECRET_NOT_FOUND 404 CSMS.0106",
                "VERSION_NOT_FOUND 404 CSMS.0005",
                "STAGE_NOT_FOUND 404 CSMS.0005",
                "CONFLICT 409 CSMS.0003",
                "STORE_FAILURE 500 CSMS.0001");
        StringBuilder actual = new StringBuilder();
        for (ErrorCode c : ErrorCode.values()) {
            actual.append(actual.length() == 0 ? "" : "\n").append(c).append(' ').append(c.httpStatus()).append(' ')
                    .append(c.errorCode());
        }
        assertEquals(table, actual.toString());
    }

    @Test
    void exceptionCarriesItsCodeAndNamesItInToString() {
        StageException e = new StageException(ErrorCode.CONFLICT, "held by v2");
        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals("io.secretstages.StageException: CONFLICT (CSMS.0003): held by v2", e.toString());
        assertEquals(List.of(), List.of(e.getSuppressed()));
    }
}
