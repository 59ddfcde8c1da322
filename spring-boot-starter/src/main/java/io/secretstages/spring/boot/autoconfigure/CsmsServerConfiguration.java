package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.StageManager;
import io.secretstages.server.CsmsServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code secret-stages.server.enabled=true} and {@code secret-stages-server} on the class path: a started
 * {@link CsmsServer} over the {@link StageManager} bean, closed with the context.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.secretstages.server.CsmsServer")
@ConditionalOnBooleanProperty(name = "secret-stages.server.enabled")
class CsmsServerConfiguration {
    private static final Log LOG = LogFactory.getLog(CsmsServerConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    CsmsServer secretStagesCsmsServer(StageManager manager, SecretStagesProperties properties) {
        SecretStagesServerProperties s = properties.getServer();
        CsmsServer.Builder b = CsmsServer.builder(manager).host(s.getHost()).port(s.getPort());
        for (SecretStagesServerProperties.AccessKey k : s.getAccessKeys()) {
            b.accessKey(k.getAccessKey(), k.getSecretKey(), k.getProjects().toArray(String[]::new));
        }
        for (SecretStagesServerProperties.Token t : s.getTokens()) {
            b.token(t.getToken(), t.getProjects().toArray(String[]::new));
        }
        CsmsServer server = b.build().start();
        // the endpoint and counts only: credentials are never logged
        LOG.info("secret-stages: CSMS server listening on " + server.endpoint() + " (" + s.getAccessKeys().size()
                + " access keys, " + s.getTokens().size() + " tokens)");
        return server;
    }
}
