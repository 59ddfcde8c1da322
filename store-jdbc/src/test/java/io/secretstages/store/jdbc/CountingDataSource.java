package io.secretstages.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Wraps a {@link DataSource} and records every call that costs a database round trip on PostgreSQL: statement
 * executions (a batch is one), commits and rollbacks; and every network timeout set on a connection. Test code.
 */
final class CountingDataSource {
    private static final Set<String> EXECUTES = Set.of("executeQuery", "executeUpdate", "executeBatch", "execute",
            "executeLargeUpdate", "executeLargeBatch");

    final List<String> calls = new ArrayList<>();
    /** Every SQL text handed to the driver (prepared or executed directly). */
    final List<String> sql = new ArrayList<>();
    /** Every {@link Connection#setNetworkTimeout} the code under test made, in milliseconds, in order. */
    private final List<Integer> networkTimeouts = new ArrayList<>();
    final DataSource dataSource;

    CountingDataSource(DataSource target) {
        this.dataSource = proxy(DataSource.class, target);
    }

    synchronized List<String> take() {
        List<String> out = new ArrayList<>(calls);
        calls.clear();
        return out;
    }

    synchronized List<Integer> networkTimeouts() {
        return new ArrayList<>(networkTimeouts);
    }

    private synchronized void record(String call) {
        calls.add(call);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target) {
        InvocationHandler h = (p, method, args) -> invoke(target, method, args);
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h);
    }

    private Object invoke(Object target, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (EXECUTES.contains(name) || name.equals("commit") || name.equals("rollback")) {
            record(name);
        }
        if (name.equals("setNetworkTimeout")) {
            synchronized (this) {
                networkTimeouts.add((Integer) args[1]);
            }
        }
        if ((name.startsWith("prepare") || name.startsWith("execute") || name.equals("addBatch"))
                && args != null && args.length > 0 && args[0] instanceof String) {
            synchronized (this) {
                sql.add((String) args[0]);
            }
        }
        Object result;
        try {
            result = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (result instanceof PreparedStatement) {
            return proxy(PreparedStatement.class, (PreparedStatement) result);
        }
        if (result instanceof Statement) {
            return proxy(Statement.class, (Statement) result);
        }
        if (result instanceof Connection) {
            return proxy(Connection.class, (Connection) result);
        }
        return result;
    }
}
