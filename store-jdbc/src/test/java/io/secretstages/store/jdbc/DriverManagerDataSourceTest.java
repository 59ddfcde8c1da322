package io.secretstages.store.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tools' data source: its timeout reaches every statement, and its text never holds a password. */
class DriverManagerDataSourceTest {
    @Test
    void theTimeoutBoundsEveryStatementItCreates() throws Exception {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:dmds-timeout", "sa", "",
                Duration.ofMillis(2_500));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertEquals(3, st.getQueryTimeout(), "whole seconds, rounded up");
            assertEquals(3, ps.getQueryTimeout());
            assertEquals(3, ds.getLoginTimeout());
        }
        try (Connection c = new DriverManagerDataSource("jdbc:h2:mem:dmds-none", "sa", "").getConnection();
             Statement st = c.createStatement()) {
            assertEquals(0, st.getQueryTimeout(), "no timeout: the driver's default");
        }
    }

    @Test
    void toStringNeverHoldsThePassword() {
        String secret = "Pw-5ecret-" + System.nanoTime();
        String text = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/db?user=u&password=" + secret, "u",
                secret, Duration.ofSeconds(2)).toString();
        assertFalse(text.contains(secret), text);
        assertTrue(text.contains("password=***") && text.contains("user u") && text.contains("PT2S"), text);
        String h2 = new DriverManagerDataSource("jdbc:h2:mem:x;PASSWORD=" + secret, "sa", secret).toString();
        assertFalse(h2.contains(secret), h2);
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new DriverManagerDataSource("jdbc:h2:mem:x", null, null, Duration.ofSeconds(-1)));
    }
}
