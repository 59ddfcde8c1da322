package io.secretstages.cli;

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
import java.util.Properties;
import java.util.logging.Logger;

/**
 * stagectl's connections: a new one per call over {@link DriverManager}, each bounded by {@code --timeout} as far as
 * plain JDBC allows: the login timeout (PostgreSQL's {@code loginTimeout} and {@code connectTimeout}, which its driver
 * reads instead of {@link DriverManager#setLoginTimeout}), the connection's network timeout, and a query timeout on
 * every statement it creates. JDBC counts the login and query timeouts in whole seconds, so they are rounded up.
 */
final class TimedDataSource implements DataSource {
    private final JdbcUrl url;
    private final String user;
    private final String password;
    private final Duration timeout;
    private final int timeoutSeconds;

    /**
     * @param url the database
     * @param user the user, or null
     * @param password the password, or null
     * @param timeout the bound of a login, a statement and a network read
     */
    TimedDataSource(JdbcUrl url, String user, String password, Duration timeout) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.timeout = timeout;
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        if (url.isPostgresql()) {
            properties.setProperty("loginTimeout", Integer.toString(timeoutSeconds));
            properties.setProperty("connectTimeout", Integer.toString(timeoutSeconds));
        }
        DriverManager.setLoginTimeout(timeoutSeconds);
        Connection connection = DriverManager.getConnection(url.value(), properties);
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
            if (result instanceof Statement statement) {
                statement.setQueryTimeout(seconds);
            }
            return result;
        }
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        throw new SQLFeatureNotSupportedException("stagectl connects with its own user and password");
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

    /** @return the redacted URL and the user, never the password */
    @Override
    public String toString() {
        return "TimedDataSource[" + url + ", user " + user + ", timeout " + DurationConverter.format(timeout) + "]";
    }
}
