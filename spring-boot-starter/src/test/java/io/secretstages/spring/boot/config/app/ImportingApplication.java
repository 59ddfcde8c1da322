package io.secretstages.spring.boot.config.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** A small application that reads its database credentials from an imported secret. */
@SpringBootApplication(proxyBeanMethods = false)
@EnableConfigurationProperties(DbCredentials.class)
public class ImportingApplication {
}
