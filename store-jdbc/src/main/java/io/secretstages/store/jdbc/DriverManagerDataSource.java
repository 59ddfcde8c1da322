package io.secretstages.store.jdbc;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A minimal {@link DataSource} over {@link DriverManager}: a new connection per call, no pool. For tools and demos;
 * a server should use a pool (HikariCP or its container's). The URL is completed by {@link DurableJdbcUrl#of} (an
 * embedded database is opened so that an acknowledged commit survives a process crash).
 */
public final class DriverManagerDataSource implements DataSource {
    private final String url;
    private final String user;
    private final String password;

    /**
     * @param url the JDBC URL ({@link DurableJdbcUrl#of} is applied to it)
     * @param user the user, or null
     * @param password the password, or null
     */
    public DriverManagerDataSource(String url, String user, String password) {
        this.url = DurableJdbcUrl.of(url);
        this.user = user;
        this.password = password;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public Connection getConnection(String username, String pw) throws SQLException {
        return DriverManager.getConnection(url, username, pw);
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
        return 0;
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

    /** @return the URL with any {@code password=} / {@code pwd=} setting in it masked; never the password */
    @Override
    public String toString() {
        return "DriverManagerDataSource[" + url.replaceAll("(?i)((?:password|pwd)=)[^;&]*", "$1***") + "]";
    }
}
