package io.secretstages.store.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A minimal {@link DataSource} over {@link DriverManager}: a new connection per call, no pool. For tools and demos;
 * a server should use a pool (HikariCP or its container's). The URL is completed by {@link DurableJdbcUrl#of} (an
 * embedded database is opened so that an acknowledged commit survives a process crash).
 *
 * <p>With a timeout, every connection is bounded by it as far as plain JDBC allows: the login (PostgreSQL's
 * {@code loginTimeout} and {@code connectTimeout} connection properties; the JVM-wide
 * {@link DriverManager#setLoginTimeout} is left alone, it is every other caller's too, and H2 and SQLite do not read
 * it), the connection's network timeout, and a query timeout on every statement it creates (whole seconds, rounded
 * up). Without one (zero), connections are the driver's defaults.
 */
public final class DriverManagerDataSource implements DataSource {
    private static final Pattern PASSWORD_SETTING = Pattern.compile("(?i)((?:password|pwd)=)[^;&]*");

    private final String url;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final int timeoutSeconds;

    /**
     * A data source without a timeout.
     *
     * @param url the JDBC URL ({@link DurableJdbcUrl#of} is applied to it)
     * @param user the user, or null
     * @param password the password, or null
     */
    public DriverManagerDataSource(String url, String user, String password) {
        this(url, user, password, Duration.ZERO);
    }

    /**
     * @param url the JDBC URL ({@link DurableJdbcUrl#of} is applied to it)
     * @param user the user, or null
     * @param password the password, or null
     * @param timeout the bound of a login, a statement and a network read; zero for none
     * @throws IllegalArgumentException if the timeout is negative
     */
    public DriverManagerDataSource(String url, String user, String password, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive: " + timeout);
        }
        this.url = DurableJdbcUrl.of(Objects.requireNonNull(url, "url"));
        this.user = user;
        this.password = password;
        this.timeout = timeout;
        this.timeoutSeconds = timeout.isZero() ? 0 : (int) Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(user, password);
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        return connect(username, pw);
    }

    private Connection connect(String username, String pw) throws SQLException {
        Properties properties = new Properties();
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (pw != null) {
            properties.setProperty("password", pw);
        }
        if (timeoutSeconds == 0) {
            return DriverManager.getConnection(url, properties);
        }
        if (url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
            properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
            properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        }
        Connection connection = DriverManager.getConnection(url, properties);
        try {
            connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (SQLFeatureNotSupportedException e) {
            // an embedded database has no network to time out
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                new StatementTimeouts(connection, timeoutSeconds));
    }

    /** Sets the query timeout on every statement the connection creates; passes everything else through. */
    private record StatementTimeouts(Connection connection, int seconds) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object result;
            try {
                result = method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            // H2 keeps the timeout on the session, and each setQueryTimeout there is a SET that empties its
            // parsed-statement cache: set only what is not in force already
            if (result instanceof Statement statement && statement.getQueryTimeout() != seconds) {
                statement.setQueryTimeout(seconds);
            }
            return result;
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return timeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    /**
     * @return the URL with any {@code password=} / {@code pwd=} setting in it masked, the user and the timeout;
     *         never the password
     */
    @Override
    public String toString() {
        return "DriverManagerDataSource[" + PASSWORD_SETTING.matcher(url).replaceAll("$1***") + ", user " + user
                + (timeout.isZero() ? "" : ", timeout " + timeout) + "]";
    }
}
