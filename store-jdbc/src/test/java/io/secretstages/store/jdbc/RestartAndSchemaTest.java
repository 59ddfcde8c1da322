package io.secretstages.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.secretstages.SecretValue;
import io.secretstages.Stage;
import io.secretstages.StageManager;
import io.secretstages.VersionMetadata;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State survives a new repository over the same database; schema creation is idempotent and prefixable. */
class RestartAndSchemaTest {

    private static void writeState(StageManager m, String project) {
        m.createSecret(project, "db", SecretValue.ofString("one"));
        m.putVersion(project, "db", SecretValue.ofBinary(new byte[]{0, 1, 2, (byte) 255}));
        m.putVersion(project, "db", SecretValue.ofString("three"), Set.of("pending"));
        m.updateStage(project, "db", "blue", "v1");
    }

    private static String describe(StageManager m, String project) {
        StringBuilder sb = new StringBuilder();
        for (VersionMetadata v : m.listVersions(project, "db")) {
            sb.append(v).append('\n');
        }
        for (Stage s : m.listStages(project, "db")) {
            sb.append(s).append('\n');
        }
        return sb.toString();
    }

    private static void assertIntact(StageManager m, String project, String expected) {
        assertEquals(expected, describe(m, project));
        assertEquals("one", m.getVersion(project, "db", "v1").value().string().orElseThrow());
        assertArrayEquals(new byte[]{0, 1, 2, (byte) 255}, m.getVersion(project, "db", "latest").value().binary().orElseThrow());
        assertEquals("three", m.getVersionByStage(project, "db", "pending").value().string().orElseThrow());
        assertEquals("v4", m.putVersion(project, "db", SecretValue.ofString("four")).id(), "ids continue");
    }

    @Test
    void postgresStateIsReadBackIntactByANewRepositoryOverANewPool() {
        String project = "restart-" + System.nanoTime();
        String expected;
        try (HikariDataSource first = TestDatabases.postgresPool(2, true)) {
            StageManager m = StageManager.builder().repository(JdbcStageRepository.builder(first).initializeSchema(true).build()).build();
            writeState(m, project);
            expected = describe(m, project);
        }
        try (HikariDataSource second = TestDatabases.postgresPool(2, false)) {
            StageManager m = StageManager.builder().repository(JdbcStageRepository.builder(second).build()).build();
            assertIntact(m, project, expected);
        }
    }

    @Test
    void h2FileDatabaseSurvivesClosingAndReopening(@TempDir Path dir) {
        String url = DurableJdbcUrl.of("jdbc:h2:file:" + dir.resolve("stages").toAbsolutePath());
        String expected;
        JdbcDataSource first = new JdbcDataSource();
        first.setURL(url);
        StageManager m1 = StageManager.builder().repository(JdbcStageRepository.builder(first).initializeSchema(true).build()).build();
        writeState(m1, "p");
        expected = describe(m1, "p");
        // every connection was closed, so H2 closed the database file
        JdbcDataSource second = new JdbcDataSource();
        second.setURL(url);
        StageManager m2 = StageManager.builder().repository(JdbcStageRepository.builder(second).initializeSchema(true).build()).build();
        assertIntact(m2, "p", expected);
    }

    @Test
    void schemaInitializationIsIdempotentAndHonoursThePrefix() throws SQLException {
        DataSource h2 = TestDatabases.h2("prefix");
        for (int i = 0; i < 3; i++) {
            JdbcStageRepository.builder(h2).tablePrefix("app_").initializeSchema(true).build();
        }
        JdbcStageRepository r = JdbcStageRepository.builder(h2).tablePrefix("app_").build();
        assertSame(SqlDialect.H2, r.dialect());
        StageManager m = StageManager.builder().repository(r).build();
        m.createSecret("p", "s", SecretValue.ofString("x"));
        try (Connection c = h2.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "APP_%", null)) {
            int tables = 0;
            while (rs.next()) {
                tables++;
            }
            assertEquals(3, tables);
        }
        try (HikariDataSource pg = TestDatabases.postgresPool(2, true)) {
            for (int i = 0; i < 2; i++) {
                assertSame(SqlDialect.POSTGRESQL,
                        JdbcStageRepository.builder(pg).tablePrefix("other_").initializeSchema(true).build().dialect());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> JdbcStageRepository.builder(h2).tablePrefix("x; DROP"));
        assertThrows(IllegalArgumentException.class, () -> JdbcStageRepository.builder(h2).tablePrefix("1abc"));
    }

    @Test
    void shippedDdlMatchesWhatTheRepositoryApplies() {
        for (SqlDialect d : List.of(SqlDialect.H2, SqlDialect.POSTGRESQL)) {
            List<String> ddl = SchemaInitializer.ddl(d, "ss_");
            assertEquals(11, ddl.size(), d + ": " + ddl);
            assertTrue(ddl.get(0).startsWith("CREATE TABLE IF NOT EXISTS ss_secrets"), ddl.get(0));
            assertTrue(SchemaInitializer.ddl(d, "zz_").get(2).contains("REFERENCES zz_versions"));
        }
    }

    /** The tables as the first release created them: no create_time, deletion_time or client_token. */
    private static final List<String> FIRST_SCHEMA = List.of(
            "CREATE TABLE old_secrets (project_id VARCHAR(64) NOT NULL, secret_name VARCHAR(64) NOT NULL,"
                    + " revision BIGINT NOT NULL, last_version BIGINT NOT NULL, PRIMARY KEY (project_id, secret_name))",
            "CREATE TABLE old_versions (project_id VARCHAR(64) NOT NULL, secret_name VARCHAR(64) NOT NULL,"
                    + " version_number BIGINT NOT NULL, create_time BIGINT NOT NULL, is_string BOOLEAN NOT NULL,"
                    + " secret_value %s NOT NULL, PRIMARY KEY (project_id, secret_name, version_number),"
                    + " FOREIGN KEY (project_id, secret_name) REFERENCES old_secrets (project_id, secret_name))",
            "CREATE TABLE old_stages (project_id VARCHAR(64) NOT NULL, secret_name VARCHAR(64) NOT NULL,"
                    + " stage_name VARCHAR(64) NOT NULL, version_number BIGINT NOT NULL, update_time BIGINT NOT NULL,"
                    + " PRIMARY KEY (project_id, secret_name, stage_name), FOREIGN KEY (project_id, secret_name,"
                    + " version_number) REFERENCES old_versions (project_id, secret_name, version_number))",
            "INSERT INTO old_secrets VALUES ('p', 's', 2, 2)",
            "INSERT INTO old_versions VALUES ('p', 's', 1, 1000, TRUE, %s), ('p', 's', 2, 2000, TRUE, %s)",
            "INSERT INTO old_stages VALUES ('p', 's', 'SYSCURRENT', 2, 2000), ('p', 's', 'SYSPREVIOUS', 1, 2000)");

    private static void upgradeFromTheFirstSchema(DataSource ds, String binaryType, String bytesLiteral)
            throws SQLException {
        try (Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            for (String sql : FIRST_SCHEMA) {
                st.execute(sql.replace("secret_value %s", "secret_value " + binaryType)
                        .replace("%s", bytesLiteral));
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        assertUpgraded(ds);
    }

    private static void assertUpgraded(DataSource ds) {
        StageManager m = StageManager.builder()
                .repository(JdbcStageRepository.builder(ds).tablePrefix("old_").initializeSchema(true).build())
                .build();
        io.secretstages.SecretMetadata md = m.getSecret("p", "s");
        assertEquals(java.time.Instant.ofEpochMilli(1000), md.createTime(), "create_time filled in from v1");
        assertEquals(io.secretstages.SecretState.ENABLED, md.state());
        assertEquals(SecretValue.ofString("x"), m.getVersion("p", "s", "latest").value());
        assertEquals("v3", m.putVersion("p", "s", SecretValue.ofString("y"), Set.of("SYSCURRENT"), "token").id());
        assertEquals(io.secretstages.SecretState.PENDING_DELETION, m.scheduleDeletion("p", "s", 7).state());
        assertEquals(List.of("s"), m.listSecrets("p").secrets().stream().map(x -> x.name()).toList());
        m.restoreSecret("p", "s");
        assertEquals("", m.getSecret("p", "s").description(), "R23: an upgraded secret has no description");
        assertEquals(java.util.Optional.empty(), m.getVersion("p", "s", "v1").metadata().expireTime());
        m.updateDescription("p", "s", "upgraded");
        java.time.Instant expiry = java.time.Instant.ofEpochMilli(9_999_999_999_999L);
        m.updateVersionExpiry("p", "s", "v1", java.util.Optional.of(expiry));
        // R23, R24 read back by a new repository over the upgraded tables; a second initialisation is a no-op
        StageManager again = StageManager.builder()
                .repository(JdbcStageRepository.builder(ds).tablePrefix("old_").initializeSchema(true).build())
                .build();
        assertEquals("upgraded", again.getSecret("p", "s").description());
        assertEquals("upgraded", again.listSecrets("p").secrets().get(0).description());
        assertEquals(java.util.Optional.of(expiry), again.getVersion("p", "s", "v1").metadata().expireTime());
        assertEquals(java.util.Optional.empty(), again.getVersion("p", "s", "v2").metadata().expireTime());
    }

    @Test
    void aSchemaFromTheFirstReleaseIsUpgradedInPlace() throws SQLException {
        upgradeFromTheFirstSchema(TestDatabases.h2("upgrade"), "VARBINARY(32768)", "X'78'");
        try (HikariDataSource pg = TestDatabases.postgresPool(2, true)) {
            upgradeFromTheFirstSchema(pg, "BYTEA", "'\\x78'::bytea");
        }
    }

    @Test
    void aSqliteSchemaWithoutDescriptionAndExpiryIsUpgradedInPlace(@TempDir Path dir) throws SQLException {
        try (HikariDataSource sqlite = TestDatabases.sqlite(dir.resolve("old.db"), 2)) {
            try (Connection c = sqlite.getConnection(); java.sql.Statement st = c.createStatement()) {
                for (String ddl : SchemaInitializer.ddl(SqlDialect.SQLITE, "old_")) {
                    if (!ddl.startsWith("ALTER")) { // the SQLite schema before R23/R24: without their columns
                        st.execute(ddl.replaceAll("(?m)^\\s*(description|expire_time) .*$\n", ""));
                    }
                }
                st.execute("INSERT INTO old_secrets (project_id, secret_name, revision, last_version) VALUES"
                        + " ('p', 's', 2, 2)");
                st.execute("INSERT INTO old_versions (project_id, secret_name, version_number, create_time,"
                        + " is_string, secret_value) VALUES ('p', 's', 1, 1000, 1, X'78'), ('p', 's', 2, 2000, 1, X'78')");
                st.execute("INSERT INTO old_stages VALUES ('p', 's', 'SYSCURRENT', 2, 2000),"
                        + " ('p', 's', 'SYSPREVIOUS', 1, 2000)");
                try (ResultSet rs = c.getMetaData().getColumns(null, null, "old_secrets", "description")) {
                    assertTrue(!rs.next(), "the old table has no description column");
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            assertUpgraded(sqlite);
        }
    }

    @Test
    void h2ValueColumnHasRoomForEncryptedValues() throws SQLException {
        DataSource h2 = TestDatabases.h2("wide-values");
        try (Connection c = h2.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(FIRST_SCHEMA.get(0).replace("old_", "wide_"));
            st.execute(FIRST_SCHEMA.get(1).replace("old_", "wide_").replace("secret_value %s",
                    "secret_value VARBINARY(32768)"));
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        JdbcStageRepository.builder(h2).tablePrefix("wide_").initializeSchema(true).build();
        try (Connection c = h2.getConnection();
             java.sql.ResultSet rs = c.getMetaData().getColumns(null, null, "WIDE_VERSIONS", "SECRET_VALUE")) {
            assertTrue(rs.next());
            assertEquals(65536, rs.getInt("COLUMN_SIZE"), "E5: VARBINARY(32768) grown in place");
            assertEquals(java.sql.DatabaseMetaData.columnNoNulls, rs.getInt("NULLABLE"));
        }
    }
}
