package io.secretstages.spring.boot.autoconfigure;

import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code secret-stages.call-timeout}, {@code secret-stages.jdbc.statement-timeout} and
 * {@code secret-stages.jdbc.network-timeout}: the JDBC ones are observed where the store hands them to the driver
 * (a recording DataSource); the call timeout has no getter nor a cheap observable effect, so only its binding and
 * validation are tested.
 */
class SecretStagesTimeoutPropertiesTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecretStagesAutoConfiguration.class));

    @Test
    void theJdbcTimeoutsReachTheDriver() {
        Recording rec = afterOneCall("secret-stages.jdbc.statement-timeout=3s",
                "secret-stages.jdbc.network-timeout=4500ms");
        assertThat(rec.queryTimeouts).isNotEmpty().containsOnly(3);
        assertThat(rec.networkTimeouts).contains(4500);
    }

    /** A network timeout not above the statement timeout ends 1 s after it: the statement's cancel comes first. */
    @Test
    void aNetworkTimeoutNotAboveTheStatementTimeoutReachesTheDriverOneSecondPastIt() {
        Recording rec = afterOneCall("secret-stages.jdbc.statement-timeout=3s",
                "secret-stages.jdbc.network-timeout=1500ms");
        assertThat(rec.queryTimeouts).isNotEmpty().containsOnly(3);
        assertThat(rec.networkTimeouts).contains(4000).doesNotContain(1500);
    }

    @Test
    void theJdbcTimeoutsDefaultToTheStoresTenSeconds() {
        Recording rec = afterOneCall();
        assertThat(rec.queryTimeouts).isNotEmpty().containsOnly(10);
        assertThat(rec.networkTimeouts).contains(11_000); // 10 s, not above the statement timeout: 1 s past it
    }

    /** @return the timeouts the store set while the manager, built with {@code properties}, created one secret */
    private Recording afterOneCall(String... properties) {
        Recording rec = new Recording();
        runner.withBean(DataSource.class, rec::dataSource).withPropertyValues(properties).run(ctx ->
                ctx.getBean(StageManager.class).createSecret("p", "s", SecretValue.ofString("v")));
        return rec;
    }

    @Test
    void theCallTimeoutIsBound() {
        runner.withPropertyValues("secret-stages.call-timeout=750ms").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertEquals(Duration.ofMillis(750), ctx.getBean(SecretStagesProperties.class).getCallTimeout());
        });
        runner.run(ctx -> assertEquals(Duration.ofSeconds(30),
                ctx.getBean(SecretStagesProperties.class).getCallTimeout()));
    }

    @Test
    void nonPositiveTimeoutsFailStartUpNamingTheProperty() {
        for (String property : List.of("secret-stages.call-timeout", "secret-stages.jdbc.statement-timeout",
                "secret-stages.jdbc.network-timeout")) {
            for (String bad : List.of("0s", "-1s")) {
                runner.withPropertyValues(property + "=" + bad).run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(StartUpFailures.messages(ctx.getStartupFailure())).contains(property + " must be positive");
                });
            }
        }
    }

    /** An H2 DataSource that records the timeouts the store sets on connections and statements. */
    static final class Recording {
        final List<Integer> queryTimeouts = new CopyOnWriteArrayList<>();
        final List<Integer> networkTimeouts = new CopyOnWriteArrayList<>();

        DataSource dataSource() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            return proxy(DataSource.class, h2);
        }

        @SuppressWarnings("unchecked")
        private <T> T proxy(Class<T> type, T target) {
            return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
                if (m.getName().equals("setQueryTimeout")) {
                    queryTimeouts.add((Integer) args[0]);
                } else if (m.getName().equals("setNetworkTimeout")) {
                    networkTimeouts.add((Integer) args[1]);
                }
                Object result;
                try {
                    result = m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (result instanceof Connection c && m.getReturnType() == Connection.class) {
                    return proxy(Connection.class, c);
                }
                if (result instanceof Statement && Statement.class.isAssignableFrom(m.getReturnType())) {
                    return proxy((Class<Object>) m.getReturnType(), result);
                }
                return result;
            });
        }
    }
}
