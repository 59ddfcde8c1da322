package io.secretstages.spring.boot.config;

import io.secretstages.spring.boot.config.app.ImportingApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spring.config.import=secret-stages:...} reads through an unpooled connection before the application
 * context exists: a database that accepts the connection and never answers fails start-up within the configured
 * network timeout instead of hanging it.
 */
class SecretImportDeadlineTest {
    @Test
    void aDatabaseThatNeverAnswersFailsStartUpWithinTheNetworkTimeout() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read from, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-database");
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            Exception e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(Exception.class,
                    () -> new SpringApplicationBuilder(ImportingApplication.class).web(WebApplicationType.NONE).run(
                            "--spring.main.banner-mode=off",
                            "--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/app",
                            "--spring.datasource.username=app",
                            "--spring.datasource.password=pw",
                            "--secret-stages.jdbc.network-timeout=2s",
                            "--spring.config.import=secret-stages:shop/plain").close()),
                    "start-up hung on a database that never answers");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 1_900 && millis < 30_000, "start-up failed after " + millis + " ms: " + e);
            assertTrue(!held.isEmpty(), "start-up reached the database: " + e);
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertTrue(messages.toString().contains("Connection attempt timed out"), messages.toString());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
