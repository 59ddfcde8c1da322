package io.secretstages.spring.boot.autoconfigure;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Locale;

/**
 * Masks the CSMS server's secret keys and tokens in {@code /actuator/configprops} and {@code /actuator/env} even
 * when {@code management.endpoint.*.show-values=always}: Boot 3+ no longer masks by key name on its own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(SanitizingFunction.class)
class ServerCredentialsSanitizingConfiguration {

    @Bean
    SanitizingFunction secretStagesServerCredentialsSanitizer() {
        return ServerCredentialsSanitizingConfiguration::sanitize;
    }

    static SanitizableData sanitize(SanitizableData data) {
        String key = data.getLowerCaseKey();
        if (key == null || !key.startsWith(SecretStagesProperties.PREFIX + ".server.")) {
            return data;
        }
        String last = key.substring(key.lastIndexOf('.') + 1).replace("-", "").toLowerCase(Locale.ROOT);
        return last.equals("secretkey") || last.equals("token") ? data.withSanitizedValue() : data;
    }
}
