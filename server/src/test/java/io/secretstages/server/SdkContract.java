package io.secretstages.server;

import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.core.exception.ServiceResponseException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretForScheduleRequest;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretForScheduleRequestBody;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.DeleteSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretVersionsRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretVersionsResponse;
import com.huaweicloud.sdk.csms.v1.model.ListSecretsRequest;
import com.huaweicloud.sdk.csms.v1.model.ListSecretsResponse;
import com.huaweicloud.sdk.csms.v1.model.RestoreSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.Secret;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.Stage;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.UpdateSecretStageRequestBody;
import com.huaweicloud.sdk.csms.v1.model.UpdateVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.UpdateVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.Version;
import com.huaweicloud.sdk.csms.v1.model.VersionMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation of S1 and every refusal of S2-S9, driven by the provider's own SDK ({@code CsmsClient} 3.1.143)
 * against a {@link CsmsServer}. Runs on each store through a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdkContract {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private Fixture fixture;
    private CsmsClient client;

    abstract Fixture newFixture();

    @BeforeAll
    void start() {
        fixture = newFixture();
        client = fixture.client("p1");
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private static String name() {
        return "s" + NAMES.incrementAndGet();
    }

    private String create(String value) {
        String n = name();
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(n).withSecretString(value)));
        return n;
    }

    private Secret show(String n) {
        return client.showSecret(new ShowSecretRequest().withSecretName(n)).getSecret();
    }

    private static ServiceResponseException refused(int status, String errorCode, Executable call) {
        ServiceResponseException e = assertThrows(ServiceResponseException.class, call);
        assertEquals(status, e.getHttpStatusCode(), e.getErrorMsg());
        assertEquals(errorCode, e.getErrorCode(), e.getErrorMsg());
        assertNotNull(e.getRequestId(), "S3: every response carries X-Request-Id");
        return e;
    }

    private Stage stage(String secret, String stage) {
        return client.showSecretStage(new ShowSecretStageRequest().withSecretName(secret).withStageName(stage))
                .getStage();
    }

    private VersionMetadata putVersion(String secret, String value, List<String> stages) {
        return client.createSecretVersion(new CreateSecretVersionRequest().withSecretName(secret).withBody(
                new CreateSecretVersionRequestBody().withSecretString(value).withVersionStages(stages)))
                .getVersionMetadata();
    }

    @Test
    void createSecretThenShowIt() {
        String n = name();
        Secret created = client.createSecret(new CreateSecretRequest().withBody(new CreateSecretRequestBody()
                .withName(n).withSecretString("pw-1").withKmsKeyId("kms-1")
                .withSecretType(CreateSecretRequestBody.SecretTypeEnum.COMMON).withAutoRotation(false)
                .withEventSubscriptions(List.of("ev1")).withEnterpriseProjectId("0"))).getSecret();
        assertEquals(n, created.getName());
        assertEquals("ENABLED", created.getState());
        assertEquals(fixture.clock.millis(), created.getCreateTime());
        Secret shown = client.showSecret(new ShowSecretRequest().withSecretName(n)).getSecret();
        assertEquals(created.getId(), shown.getId(), "S8: the id is stable");
        assertEquals("COMMON", shown.getSecretType().toString());
        assertEquals(created.getCreateTime(), shown.getCreateTime());
        assertNull(shown.getScheduledDeleteTime());
        Version v1 = client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n).withVersionId("v1"))
                .getVersion();
        assertEquals("pw-1", v1.getSecretString());
        assertEquals(List.of("SYSCURRENT"), v1.getVersionMetadata().getVersionStages());
    }

    @Test
    void aSecretCreatedAgainGetsANewId() {
        String n = create("a");
        String first = client.showSecret(new ShowSecretRequest().withSecretName(n)).getSecret().getId();
        client.deleteSecret(new DeleteSecretRequest().withSecretName(n));
        fixture.clock.advance(Duration.ofMillis(1));
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(n).withSecretString("b")));
        assertNotEquals(first, client.showSecret(new ShowSecretRequest().withSecretName(n)).getSecret().getId());
    }

    @Test
    void binaryValuesRoundTripAsBase64() {
        String n = name();
        String base64 = Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 0xff});
        client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(n).withSecretBinary(base64)));
        Version latest = client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("latest")).getVersion();
        assertEquals(base64, latest.getSecretBinary());
        assertNull(latest.getSecretString());
        client.createSecretVersion(new CreateSecretVersionRequest().withSecretName(n).withBody(
                new CreateSecretVersionRequestBody().withSecretBinary("AAEC/w==")));
        assertEquals("AAEC/w==", client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("v2")).getVersion().getSecretBinary());
    }

    @Test
    void nonAsciiStringsRoundTrip() {
        String value = "p\u00e4ss \u2603 \ud83d\udd11";
        String n = create(value);
        assertEquals(value, client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("latest")).getVersion().getSecretString());
    }

    @Test
    void createSecretRefusals() {
        String n = create("x");
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(n).withSecretString("y"))));            // R6
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName("bad name").withSecretString("y")))); // R2
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name()).withSecretString("y").withSecretBinary("eQ=="))));
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name()))));                             // S6: neither
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withSecretString("y"))));                       // no name
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name()).withSecretBinary("not base64!"))));
        refused(400, "CSMS.0002", () -> client.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName(name()).withSecretString("x".repeat(32 * 1024 + 1))))); // R7
    }

    @Test
    void showSecretOfNothing() {
        refused(404, "CSMS.0106", () -> client.showSecret(new ShowSecretRequest().withSecretName("nope-" + name())));
        refused(400, "CSMS.0002", () -> client.showSecret(new ShowSecretRequest().withSecretName("a.b")));
    }

    @Test
    void listSecretsPagesByName() {
        CsmsClient p2 = fixture.client("p2");
        List<String> names = List.of("a1", "a2", "b1", "b2", "c1");
        for (String n : names) {
            p2.createSecret(new CreateSecretRequest().withBody(
                    new CreateSecretRequestBody().withName(n).withSecretString("v")));
        }
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            ListSecretsResponse page = p2.listSecrets(new ListSecretsRequest().withLimit("2").withMarker(marker));
            page.getSecrets().forEach(s -> seen.add(s.getName()));
            assertEquals(page.getSecrets().size(), page.getPageInfo().getCurrentCount());
            marker = page.getPageInfo().getNextMarker();
            pages++;
        } while (marker != null);
        assertEquals(names, seen);
        assertEquals(3, pages, "S7: next_marker only while more remain");
        assertEquals(5, p2.listSecrets(new ListSecretsRequest()).getSecrets().size());
        assertEquals(0, p2.listSecrets(new ListSecretsRequest().withEventName("ev")).getSecrets().size(),
                "S8: nothing is subscribed to an event");
        for (String limit : List.of("0", "1001", "abc", "-1", "1.5", "")) {
            refused(400, "CSMS.0002", () -> p2.listSecrets(new ListSecretsRequest().withLimit(limit)));
        }
        refused(400, "CSMS.0002", () -> p2.listSecrets(new ListSecretsRequest().withMarker("a b")));
    }

    @Test
    void deleteSecret() {
        String n = create("x");
        client.deleteSecret(new DeleteSecretRequest().withSecretName(n));
        refused(404, "CSMS.0106", () -> client.showSecret(new ShowSecretRequest().withSecretName(n)));
        refused(404, "CSMS.0106", () -> client.deleteSecret(new DeleteSecretRequest().withSecretName(n)));
    }

    @Test
    void scheduledDeletionAndRestore() {
        String n = create("x");
        Secret pending = client.deleteSecretForSchedule(new DeleteSecretForScheduleRequest().withSecretName(n)
                .withBody(new DeleteSecretForScheduleRequestBody().withRecoveryWindowInDays(7))).getSecret();
        assertEquals("PENDING_DELETE", pending.getState());
        assertEquals(fixture.clock.millis() + Duration.ofDays(7).toMillis(), pending.getScheduledDeleteTime());
        assertEquals("PENDING_DELETE", client.showSecret(new ShowSecretRequest().withSecretName(n)).getSecret()
                .getState());
        refused(400, "CSMS.0103", () -> putVersion(n, "y", null));                                    // R8
        refused(400, "CSMS.0103", () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("latest")));
        assertEquals("v1", stage(n, "SYSCURRENT").getVersionId(), "R8: stages stay readable");
        Secret restored = client.restoreSecret(new RestoreSecretRequest().withSecretName(n)).getSecret();
        assertEquals("ENABLED", restored.getState());
        assertNull(restored.getScheduledDeleteTime());
        Secret defaults = client.deleteSecretForSchedule(new DeleteSecretForScheduleRequest().withSecretName(n)
                .withBody(new DeleteSecretForScheduleRequestBody())).getSecret();
        assertEquals(fixture.clock.millis() + Duration.ofDays(30).toMillis(), defaults.getScheduledDeleteTime());
        client.restoreSecret(new RestoreSecretRequest().withSecretName(n));
        for (int days : new int[] {6, 31, 0, -1}) {
            refused(400, "CSMS.0002", () -> client.deleteSecretForSchedule(new DeleteSecretForScheduleRequest()
                    .withSecretName(n).withBody(new DeleteSecretForScheduleRequestBody()
                            .withRecoveryWindowInDays(days))));
        }
        refused(404, "CSMS.0106", () -> client.restoreSecret(new RestoreSecretRequest().withSecretName("no-" + n)));
    }

    @Test
    void newVersionsMoveSyscurrentAndSyspreviousFollows() {
        String n = create("one");
        VersionMetadata v2 = putVersion(n, "two", null);
        assertEquals("v2", v2.getId());
        assertEquals(List.of("SYSCURRENT"), v2.getVersionStages());
        assertEquals(n, v2.getSecretName());
        assertEquals("v2", stage(n, "SYSCURRENT").getVersionId());
        assertEquals("v1", stage(n, "SYSPREVIOUS").getVersionId());                                    // R12
        VersionMetadata v3 = putVersion(n, "three", List.of("pending"));                             // R10
        assertEquals(List.of("pending"), v3.getVersionStages());
        assertEquals("v2", stage(n, "SYSCURRENT").getVersionId());
        refused(400, "CSMS.0105", () -> putVersion(n, "x", List.of("SYSPREVIOUS")));                // R13
        refused(400, "CSMS.0002", () -> putVersion(n, "x", List.of()));                             // R10
        refused(400, "CSMS.0002", () -> putVersion(n, "x", List.of("bad stage")));                  // R3
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            many.add("c" + i);
        }
        putVersion(n, "x", many.subList(0, 9)); // pending + 9 = 10 custom stages
        refused(400, "CSMS.0203", () -> putVersion(n, "x", List.of("eleventh")));                   // R14
        refused(404, "CSMS.0106", () -> putVersion("no-" + n, "x", null));
    }

    @Test
    void showVersionByIdAndLatest() {
        String n = create("one");
        putVersion(n, "two", null);
        Version latest = client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("latest")).getVersion();
        assertEquals("two", latest.getSecretString());
        assertEquals("v2", latest.getVersionMetadata().getId());
        assertEquals(fixture.clock.millis(), latest.getVersionMetadata().getCreateTime());
        Version v1 = client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n).withVersionId("v1"))
                .getVersion();
        assertEquals("one", v1.getSecretString());
        assertEquals(List.of("SYSPREVIOUS"), v1.getVersionMetadata().getVersionStages());
        refused(404, "CSMS.0005", () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("v9")));
        refused(404, "CSMS.0005", () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("v99999999999999999999")));
        refused(400, "CSMS.0002", () -> client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("x1")));
    }

    @Test
    void listVersionsPages() {
        String n = create("v");
        for (int i = 0; i < 11; i++) {
            putVersion(n, "v" + i, List.of("c" + (i % 3)));
        }
        ListSecretVersionsResponse all = client.listSecretVersions(new ListSecretVersionsRequest().withSecretName(n));
        assertEquals(12, all.getVersionMetadatas().size());
        assertNull(all.getPageInfo().getNextMarker());
        List<String> ids = new ArrayList<>();
        String marker = null;
        do {
            ListSecretVersionsResponse page = client.listSecretVersions(new ListSecretVersionsRequest()
                    .withSecretName(n).withLimit(5).withMarker(marker));
            page.getVersionMetadatas().forEach(v -> ids.add(v.getId()));
            assertEquals(page.getVersionMetadatas().size(), page.getPageInfo().getCurrentCount());
            marker = page.getPageInfo().getNextMarker();
        } while (marker != null);
        assertEquals(List.of("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12"), ids);
        for (int limit : new int[] {0, 1001, -5}) {
            refused(400, "CSMS.0002", () -> client.listSecretVersions(new ListSecretVersionsRequest()
                    .withSecretName(n).withLimit(limit)));
        }
        refused(400, "CSMS.0002", () -> client.listSecretVersions(new ListSecretVersionsRequest()
                .withSecretName(n).withMarker("latest")));
        refused(404, "CSMS.0106", () -> client.listSecretVersions(new ListSecretVersionsRequest()
                .withSecretName("no-" + n)));
    }

    @Test
    void showStage() {
        String n = create("v");
        Stage s = stage(n, "SYSCURRENT");
        assertEquals("SYSCURRENT", s.getName());
        assertEquals(n, s.getSecretName());
        assertEquals("v1", s.getVersionId());
        assertEquals(fixture.clock.millis(), s.getUpdateTime());                                     // R17
        refused(404, "CSMS.0005", () -> stage(n, "SYSPREVIOUS"));
        refused(404, "CSMS.0005", () -> stage(n, "syscurrent"));
        refused(404, "CSMS.0106", () -> stage("no-" + n, "SYSCURRENT"));
        refused(400, "CSMS.0002", () -> stage(n, "a*b"));
    }

    private Stage updateStage(String secret, String stage, String version, String header, String value) {
        UpdateSecretStageRequest request = new UpdateSecretStageRequest().withSecretName(secret).withStageName(stage)
                .withBody(new UpdateSecretStageRequestBody().withVersionId(version));
        if (header == null) {
            return client.updateSecretStage(request).getStage();
        }
        return client.updateSecretStageInvoker(request).addHeader(header, value).invoke().getStage();
    }

    @Test
    void updateStage() {
        String n = create("one");
        putVersion(n, "two", null);
        fixture.clock.advance(Duration.ofSeconds(5));
        Stage moved = updateStage(n, "SYSCURRENT", "v1", null, null);                                // roll back
        assertEquals("v1", moved.getVersionId());
        assertEquals(fixture.clock.millis(), moved.getUpdateTime());
        assertEquals("v2", stage(n, "SYSPREVIOUS").getVersionId());
        fixture.clock.advance(Duration.ofSeconds(5));
        assertEquals(moved.getUpdateTime(), updateStage(n, "SYSCURRENT", "v1", null, null).getUpdateTime(),
                "R18: a no-op keeps update_time");
        assertEquals("v2", updateStage(n, "blue", "v2", null, null).getVersionId());
        refused(404, "CSMS.0005", () -> updateStage(n, "blue", "v7", null, null));
        refused(400, "CSMS.0105", () -> updateStage(n, "SYSPREVIOUS", "v1", null, null));
        refused(400, "CSMS.0002", () -> updateStage(n, "blue", "latest", null, null));
        refused(404, "CSMS.0106", () -> updateStage("no-" + n, "blue", "v1", null, null));
    }

    @Test
    void guardedStageMovesS9() {
        String n = create("one");
        putVersion(n, "two", List.of("pending"));
        refused(409, "CSMS.0003", () -> updateStage(n, "SYSCURRENT", "v2", "If-Match", "v2"));        // R20
        assertEquals("v1", stage(n, "SYSCURRENT").getVersionId());
        assertEquals("v2", updateStage(n, "SYSCURRENT", "v2", "If-Match", "v1").getVersionId());
        assertEquals("v2", updateStage(n, "SYSCURRENT", "v2", "If-Match", "\"v2\"").getVersionId());
        refused(409, "CSMS.0003", () -> updateStage(n, "pending", "v1", "If-None-Match", "*"));
        assertEquals("v1", updateStage(n, "green", "v1", "If-None-Match", "*").getVersionId());
        refused(409, "CSMS.0003", () -> updateStage(n, "green", "v2", "If-None-Match", "*"));
        refused(400, "CSMS.0002", () -> updateStage(n, "green", "v2", "If-None-Match", "v1"));
        refused(400, "CSMS.0002", () -> updateStage(n, "green", "v2", "If-Match", "nonsense"));
        assertEquals("v1", stage(n, "green").getVersionId());
    }

    @Test
    void deleteStage() {
        String n = create("one");
        updateStage(n, "blue", "v1", null, null);
        client.deleteSecretStage(new DeleteSecretStageRequest().withSecretName(n).withStageName("blue"));
        refused(404, "CSMS.0005", () -> stage(n, "blue"));
        refused(404, "CSMS.0005", () -> client.deleteSecretStage(new DeleteSecretStageRequest().withSecretName(n)
                .withStageName("blue")));
        refused(400, "CSMS.0105", () -> client.deleteSecretStage(new DeleteSecretStageRequest().withSecretName(n)
                .withStageName("SYSCURRENT")));                                                       // R19
    }

    @Test
    void descriptionIsSetAtCreationAndByUpdateSecret() {                                             // R23
        String n = name();
        Secret created = client.createSecret(new CreateSecretRequest().withBody(new CreateSecretRequestBody()
                .withName(n).withSecretString("one").withDescription("first ünïcode"))).getSecret();
        assertEquals("first ünïcode", created.getDescription());
        assertEquals("first ünïcode", show(n).getDescription());
        Secret updated = client.updateSecret(new UpdateSecretRequest().withSecretName(n)
                .withBody(new UpdateSecretRequestBody().withDescription("changed"))).getSecret();
        assertEquals("changed", updated.getDescription());
        assertEquals("changed", show(n).getDescription());
        refused(400, "CSMS.0002", () -> client.updateSecret(new UpdateSecretRequest().withSecretName(n)
                .withBody(new UpdateSecretRequestBody().withDescription("x".repeat(2049)))));
        assertEquals("changed", show(n).getDescription(), "the refused update changed nothing");
        client.deleteSecretForSchedule(new DeleteSecretForScheduleRequest().withSecretName(n)
                .withBody(new DeleteSecretForScheduleRequestBody().withRecoveryWindowInDays(7)));
        refused(400, "CSMS.0103", () -> client.updateSecret(new UpdateSecretRequest().withSecretName(n)
                .withBody(new UpdateSecretRequestBody().withDescription("late"))));            // R8
    }

    @Test
    void expireTimeIsSetOnCreateSecretVersionAndByUpdateVersion() {                                   // R24
        String n = create("one");
        VersionMetadata v2 = client.createSecretVersion(new CreateSecretVersionRequest().withSecretName(n)
                .withBody(new CreateSecretVersionRequestBody().withSecretString("two")
                        .withExpireTime(1_893_456_000_000L))).getVersionMetadata();
        assertEquals(1_893_456_000_000L, v2.getExpireTime());
        assertEquals(List.of("SYSCURRENT"), v2.getVersionStages());
        assertEquals(1_893_456_000_000L, client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("v2")).getVersion().getVersionMetadata().getExpireTime());
        VersionMetadata v1 = client.updateVersion(new UpdateVersionRequest().withSecretName(n).withVersionId("v1")
                .withBody(new UpdateVersionRequestBody().withExpireTime(9_999_999_999_999L))).getVersionMetadata();
        assertEquals(9_999_999_999_999L, v1.getExpireTime());
        assertEquals(List.of("SYSPREVIOUS"), v1.getVersionStages(), "metadata only: stages stay");
        List<VersionMetadata> listed = client.listSecretVersions(new ListSecretVersionsRequest().withSecretName(n))
                .getVersionMetadatas();
        assertEquals(java.util.Arrays.asList(9_999_999_999_999L, 1_893_456_000_000L),
                listed.stream().map(VersionMetadata::getExpireTime).toList());
        refused(400, "CSMS.0002", () -> client.updateVersion(new UpdateVersionRequest().withSecretName(n)
                .withVersionId("v1").withBody(new UpdateVersionRequestBody().withExpireTime(10_000_000_000_000L))));
        refused(404, "CSMS.0005", () -> client.updateVersion(new UpdateVersionRequest().withSecretName(n)
                .withVersionId("v9").withBody(new UpdateVersionRequestBody().withExpireTime(1L))));
        refused(400, "CSMS.0002", () -> client.createSecretVersion(new CreateSecretVersionRequest()
                .withSecretName(n).withBody(new CreateSecretVersionRequestBody().withSecretString("x")
                        .withExpireTime(-1L))));
        assertEquals(2, client.listSecretVersions(new ListSecretVersionsRequest().withSecretName(n))
                .getVersionMetadatas().size(), "the refused put left nothing");
        assertEquals(9_999_999_999_999L, client.showSecretVersion(new ShowSecretVersionRequest().withSecretName(n)
                .withVersionId("v1")).getVersion().getVersionMetadata().getExpireTime());
    }

    @Test
    void authenticationAndProjectsThroughTheSdk() {
        String n = create("one");
        refused(403, CsmsApi.AUTH_FAILED, () -> fixture.client(Fixture.AK, "wrong-sk", "p1")
                .showSecret(new ShowSecretRequest().withSecretName(n)));                               // S4
        refused(403, CsmsApi.AUTH_FAILED, () -> fixture.client("unknown-ak", Fixture.SK, "p1")
                .showSecret(new ShowSecretRequest().withSecretName(n)));
        refused(403, CsmsApi.FORBIDDEN, () -> fixture.client(Fixture.OTHER_AK, Fixture.OTHER_SK, "p1")
                .showSecret(new ShowSecretRequest().withSecretName(n)));                               // S5
        refused(403, CsmsApi.FORBIDDEN, () -> fixture.client("p9")
                .showSecret(new ShowSecretRequest().withSecretName(n)));
        refused(404, "CSMS.0106", () -> fixture.client("p2").showSecret(new ShowSecretRequest().withSecretName(n)),
                "R1: projects are disjoint");
        assertEquals(n, client.showSecretInvoker(new ShowSecretRequest().withSecretName(n))
                .addHeader("X-Auth-Token", Fixture.TOKEN).invoke().getSecret().getName());
        refused(403, CsmsApi.AUTH_FAILED, () -> client.showSecretInvoker(new ShowSecretRequest().withSecretName(n))
                .addHeader("X-Auth-Token", "not-a-token").invoke());
        refused(403, CsmsApi.FORBIDDEN, () -> fixture.client("p2")
                .showSecretInvoker(new ShowSecretRequest().withSecretName(n))
                .addHeader("X-Auth-Token", Fixture.TOKEN).invoke());                      // token grants p1 only
    }

    private static void refused(int status, String errorCode, Executable call, String why) {
        ServiceResponseException e = assertThrows(ServiceResponseException.class, call, why);
        assertEquals(status, e.getHttpStatusCode(), why);
        assertEquals(errorCode, e.getErrorCode(), why);
    }

    @Test
    void everyResponseHasAFreshRequestId() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ClientRequestException e = assertThrows(ClientRequestException.class,
                    () -> client.showSecret(new ShowSecretRequest().withSecretName("missing")));
            assertTrue(ids.add(e.getRequestId()));
        }
        assertFalse(ids.contains(null));
    }
}
