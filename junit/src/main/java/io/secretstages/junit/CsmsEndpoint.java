package io.secretstages.junit;

import java.net.URI;

/**
 * What a test needs to point the provider's SDK at the fake: declare a parameter of this type in a
 * {@link SecretStagesTest} and the extension starts a CSMS server (module {@code secret-stages-server}, which must be
 * on the test class path) over the test's own {@link io.secretstages.StageManager}, on a free port of 127.0.0.1, and
 * stops it after the test.
 *
 * <pre>{@code
 * CsmsClient csms = CsmsClient.newBuilder()
 *         .withCredential(new BasicCredentials().withAk(endpoint.accessKey()).withSk(endpoint.secretKey())
 *                 .withProjectId(endpoint.projectId()))
 *         .withEndpoint(endpoint.uri().toString())
 *         .build();
 * }</pre>
 *
 * @param uri the server's base URI, for example {@code http://127.0.0.1:41234}
 * @param accessKey the access key (AK) the server accepts
 * @param secretKey its secret key (SK)
 * @param projectId the project to use: {@code "test"}, the default project of {@link Secret}; the credential is also
 *                  granted every project a {@link Secret} of the test names
 */
public record CsmsEndpoint(URI uri, String accessKey, String secretKey, String projectId) {
    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "CsmsEndpoint[" + uri + ", " + accessKey + ", " + projectId + "]";
    }
}
