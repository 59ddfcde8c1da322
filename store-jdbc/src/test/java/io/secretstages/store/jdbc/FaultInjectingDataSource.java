package io.secretstages.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DataSource} that injects one fault at the Nth fault point: a connection acquisition, a statement
 * execution (a batch is one), a commit, a rollback or a connection close. Test code, shared with
 * other modules' tests through this module's test-jar.
 */
public final class FaultInjectingDataSource {
    /** What happens at the chosen point. */
    public enum Mode {
        /** The call fails before it reaches the database. */
        FAIL,
        /** The connection is dropped (closed underneath) just before the call, which then fails. */
        DROP,
        /** The call reaches the database and succeeds there, but the driver reports an error (ambiguous outcome). */
        FAIL_AFTER
    }

    private static final Set<String> POINTS = Set.of("getConnection", "executeQuery", "executeUpdate", "executeBatch",
            "execute", "commit", "rollback", "close");

    private final DataSource target;
    private final int faultAt;
    private final Mode mode;
    private final AtomicInteger points = new AtomicInteger();
    private volatile String injectedAt;
    /** The data source to hand to the code under test. */
    public final DataSource dataSource;

    public FaultInjectingDataSource(DataSource target, int faultAt, Mode mode) {
        this.target = target;
        this.faultAt = faultAt;
        this.mode = mode;
        this.dataSource = proxy(DataSource.class, target, null);
    }

    /** @return how many fault points were passed */
    public int points() {
        return points.get();
    }

    /** @return the call at which the fault was injected, or null if the run passed fewer points */
    public String injectedAt() {
        return injectedAt;
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T real, Connection owner) {
        InvocationHandler h = (p, method, args) -> invoke(real, owner, method, args);
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h);
    }

    private Object invoke(Object real, Connection owner, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        boolean fault = false;
        if (POINTS.contains(name) && !(name.equals("close") && !(real instanceof Connection))) {
            fault = points.incrementAndGet() == faultAt;
        }
        if (fault) {
            injectedAt = name + " (" + mode + ")";
            if (mode == Mode.FAIL && name.equals("close")) {
                ((Connection) real).close(); // a close that reports an error still releases the connection
                throw new SQLTransientConnectionException("injected failure at close", "08006");
            }
            if (mode == Mode.FAIL) {
                throw new SQLTransientConnectionException("injected failure at " + name, "08006");
            }
            if (mode == Mode.DROP) {
                Connection c = real instanceof Connection ? (Connection) real : owner;
                if (c != null) {
                    c.close();
                } else {
                    throw new SQLTransientConnectionException("injected: no connection to be had", "08001");
                }
            }
        }
        Object result;
        try {
            result = method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (fault && mode == Mode.FAIL_AFTER) {
            if (result instanceof Connection) {
                ((Connection) result).close(); // a failed acquisition hands out nothing
            }
            throw new SQLTransientConnectionException("injected failure after " + name + " reached the database", "08006");
        }
        if (result instanceof Connection) {
            Connection c = (Connection) result;
            return proxy(Connection.class, c, c);
        }
        if (result instanceof java.sql.PreparedStatement) {
            return proxy(java.sql.PreparedStatement.class, (java.sql.PreparedStatement) result, owner);
        }
        if (result instanceof Statement) {
            return proxy(Statement.class, (Statement) result, owner);
        }
        return result;
    }
}
