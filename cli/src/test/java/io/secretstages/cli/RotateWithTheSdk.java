package io.secretstages.cli;

import com.huaweicloud.sdk.core.auth.BasicCredentials;
import com.huaweicloud.sdk.csms.v1.CsmsClient;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretRequestBody;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.CreateSecretVersionRequestBody;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretStageRequest;
import com.huaweicloud.sdk.csms.v1.model.ShowSecretVersionRequest;
import com.huaweicloud.sdk.csms.v1.model.Stage;

/** The README's client program (copied there verbatim from here): the provider's SDK against stagectl serve. */
public class RotateWithTheSdk {
    public static void main(String[] args) {
        CsmsClient csms = CsmsClient.newBuilder()
                .withCredential(new BasicCredentials().withAk("my-ak").withSk("my-sk").withProjectId("my-project"))
                .withEndpoint(args[0])                                  // what stagectl serve printed
                .build();
        csms.createSecret(new CreateSecretRequest().withBody(
                new CreateSecretRequestBody().withName("db-password").withSecretString("pw-1")));
        csms.createSecretVersion(new CreateSecretVersionRequest().withSecretName("db-password")
                .withBody(new CreateSecretVersionRequestBody().withSecretString("pw-2")));   // SYSCURRENT moves
        Stage current = csms.showSecretStage(new ShowSecretStageRequest()
                .withSecretName("db-password").withStageName("SYSCURRENT")).getStage();
        String value = csms.showSecretVersion(new ShowSecretVersionRequest()
                .withSecretName("db-password").withVersionId("latest")).getVersion().getSecretString();
        System.out.println(current.getVersionId() + " " + value);                            // v2 pw-2
    }
}
