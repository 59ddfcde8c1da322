package io.secretstages.junit;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.core.exception.ClientRequestException;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import io.secretstages.StageManager;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fake as a CSMS endpoint, used through the provider's SDK. */
@SecretStagesTest
@Secret(name = "db-password", value = "pw-1", rotations = "pw-2")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CsmsEndpointTest {
    private static CsmsEndpoint previous;

    private static CsmsClient sdk(CsmsEndpoint endpoint) {
        return CsmsClient.newBuilder()
                .withCredential(new BasicCredentials().withAk(endpoint.accessKey()).withSk(endpoint.secretKey())
                        .withProjectId(endpoint.projectId()))
                .withEndpoint(endpoint.uri().toString())
                .build();
    }

    @Test
    @Order(1)
    void theSdkSeesTheTestsOwnManager(CsmsEndpoint endpoint, StageManager stages, TestClock clock) {
        CsmsClient csms = sdk(endpoint);
        assertEquals("pw-2", csms.showSecretVersion(new ShowSecretVersionRequest().withSecretName("db-password")
                .withVersionId("latest")).getVersion().getSecretString());
        clock.advance(Duration.ofDays(1));
        csms.createSecretVersion(new CreateSecretVersionRequest().withSecretName("db-password")
                .withBody(new CreateSecretVersionRequestBody().withSecretString("pw-3")));
        assertEquals("v3", stages.getStage("test", "db-password", "SYSCURRENT").versionId());
        assertEquals(clock.instant().toEpochMilli(), csms.showSecretStage(new ShowSecretStageRequest()
                .withSecretName("db-password").withStageName("SYSCURRENT")).getStage().getUpdateTime());
        assertFalse(endpoint.toString().contains(endpoint.secretKey()));
        previous = endpoint;
    }

    @Test
    @Order(2)
    void eachTestHasItsOwnServerAndTheLastOneIsStopped(CsmsEndpoint endpoint) {
        assertNotNull(previous, "runs second");
        {
            assertNotEquals(previous.uri(), endpoint.uri());
            assertThrows(IOException.class, () -> new Socket(previous.uri().getHost(), previous.uri().getPort()).close(),
                    "the other test's server was stopped");
        }
        previous = endpoint;
        ClientRequestException wrongKey = assertThrows(ClientRequestException.class, () -> sdk(
                new CsmsEndpoint(endpoint.uri(), endpoint.accessKey(), "wrong", endpoint.projectId()))
                .showSecretStage(new ShowSecretStageRequest().withSecretName("db-password").withStageName("SYSCURRENT")));
        assertEquals(403, wrongKey.getHttpStatusCode());
    }
}
