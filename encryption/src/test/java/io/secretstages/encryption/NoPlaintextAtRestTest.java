package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.tck.MutableClock;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;

/**
 * docs/rules.md E1 as a property over real databases: after any sequence of operations through an encrypted manager, no
 * value written (raw, hex or Base64) appears in any cell of any table of H2 or PostgreSQL, and every value reads
 * back byte for byte.
 */
class NoPlaintextAtRestTest {
    private record Op(int kind, int secret, SecretValue value) {
    }

    private static final AtomicInteger PROJECTS = new AtomicInteger();

    /** Values long enough (16 bytes and up) that finding one by chance in random ciphertext is impossible. */
    private static Gen<SecretValue> values() {
        Gen<SecretValue> binaries = Generate.byteArrays(Generate.range(16, 2048),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)).map(SecretValue::ofBinary);
        Gen<SecretValue> strings = SourceDSL.strings().ascii().ofLengthBetween(16, 2048).map(SecretValue::ofString);
        return binaries.mix(strings);
    }

    private static Gen<List<Op>> sequences() {
        Gen<Op> op = Generate.range(0, 5).zip(Generate.range(0, 3), values(), Op::new);
        return SourceDSL.lists().of(op).ofSizeBetween(1, 15);
    }

    private static void check(DataSource db) {
        JdbcStageRepository.builder(db).initializeSchema(true).build();
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
        StageManager manager = StageManager.builder()
                .repository(TestKeys.encrypted(JdbcStageRepository.builder(db).build())).clock(clock).build();
        List<byte[]> written = new ArrayList<>();
        qt().withExamples(Math.max(10, TestValues.examples() / 5)).forAll(sequences()).checkAssert(ops -> {
            String project = "atrest" + PROJECTS.incrementAndGet();
            Map<String, SecretValue> stored = new HashMap<>(); // "secret/versionId" of every successful write
            for (Op op : ops) {
                String secret = "s" + op.secret();
                written.add(op.value().toBytes());
                clock.advance(Duration.ofSeconds(1));
                try {
                    switch (op.kind()) {
                        case 0 -> stored.put(secret + "/" + manager.createSecret(project, secret, op.value()).id(),
                                op.value());
                        case 1 -> stored.put(secret + "/" + manager.putVersion(project, secret, op.value()).id(),
                                op.value());
                        case 2 -> stored.put(secret + "/" + manager.putVersion(project, secret, op.value(),
                                Set.of("blue"), "token-" + op.secret()).id(), op.value());
                        case 3 -> manager.updateStage(project, secret, Stages.SYSCURRENT, "v1");
                        default -> {
                            manager.deleteSecret(project, secret);
                            stored.keySet().removeIf(k -> k.startsWith(secret + "/"));
                        }
                    }
                } catch (StageException refused) {
                    // SECRET_NOT_FOUND, SECRET_ALREADY_EXISTS, a token reused with another value: nothing written
                }
            }
            stored.forEach((where, value) -> {
                String[] parts = where.split("/");
                assertEquals(value, manager.getVersion(project, parts[0], parts[1]).value(), where);
            });
            List<byte[]> cells = DatabaseDump.cells(db);
            for (byte[] value : written) {
                for (byte[] form : DatabaseDump.forms(value)) {
                    for (byte[] cell : cells) {
                        assertFalse(DatabaseDump.contains(cell, form), "a value is in the database in the clear");
                    }
                }
            }
        });
        assertFalse(written.isEmpty());
        byte[] control = "control-value-in-the-clear".getBytes(StandardCharsets.UTF_8);
        JdbcStageRepository plain = JdbcStageRepository.builder(db).build();
        StageManager.builder().repository(plain).build().createSecret("control", "plain", SecretValue.ofBinary(control));
        assertEquals(true, DatabaseDump.cells(db).stream().anyMatch(c -> DatabaseDump.contains(c, control)),
                "the search finds a value written without encryption");
    }

    @Test
    void h2HoldsNoValueInTheClear() {
        check(TestDatabases.h2ForEnvelopes("at-rest"));
    }

    @Test
    void postgresHoldsNoValueInTheClear() {
        check(TestDatabases.postgresDatabase("at_rest"));
    }
}
