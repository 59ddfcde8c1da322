package io.secretstages.tck;

import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The nodes of a multi-node test (see {@link MultiNodeRaces}): each node has its own connection to one shared
 * storage (a connection pool to a database, a client of a cluster), its own store over it and its own
 * {@link StageManager}, so the storage is the only thing they share. Closing the nodes closes their connections.
 *
 * @param <C> a node's connection
 */
public final class SharedStorageNodes<C extends AutoCloseable> implements AutoCloseable {
    private final List<C> connections;
    private final List<StageManager> managers;
    private final List<AutoCloseable> closedLast;

    private SharedStorageNodes(List<C> connections, List<StageManager> managers, List<AutoCloseable> closedLast) {
        this.connections = List.copyOf(connections);
        this.managers = List.copyOf(managers);
        this.closedLast = List.copyOf(closedLast);
    }

    /**
     * Opens the nodes; if one cannot be opened, those already open are closed.
     *
     * @param count   how many nodes
     * @param connect opens node {@code i}'s connection
     * @param store   the node's store over its connection
     * @param <C>     a node's connection
     * @return the nodes, open
     */
    public static <C extends AutoCloseable> SharedStorageNodes<C> start(int count, IntFunction<C> connect,
                                                                      Function<C, StageRepository> store) {
        List<C> connections = new ArrayList<>();
        List<StageManager> managers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                C connection = connect.apply(i);
                connections.add(connection);
                managers.add(StageManager.builder().repository(store.apply(connection)).build());
            }
        } catch (RuntimeException | Error e) {
            closeAll(connections, e);
            throw e;
        }
        return new SharedStorageNodes<>(connections, managers, List.of());
    }

    /**
     * @param storage what the nodes share and the test started (a cluster), to close after their connections
     * @return these nodes, closing {@code storage} too
     */
    public SharedStorageNodes<C> thenClose(AutoCloseable storage) {
        List<AutoCloseable> last = new ArrayList<>(closedLast);
        last.add(storage);
        return new SharedStorageNodes<>(connections, managers, last);
    }

    /** @return one manager per node, in node order */
    public List<StageManager> managers() {
        return managers;
    }

    /**
     * @param node a node's index
     * @return its connection
     */
    public C connection(int node) {
        return connections.get(node);
    }

    /** @return how many nodes there are */
    public int size() {
        return managers.size();
    }

    /**
     * Closes every node's connection, then the storage given to {@link #thenClose}; the first failure is thrown,
     * later ones suppressed on it.
     */
    @Override
    public void close() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(connections);
        all.addAll(closedLast);
        Exception first = closeAll(all, null);
        if (first != null) {
            throw first;
        }
    }

    private static Exception closeAll(List<? extends AutoCloseable> connections, Throwable cause) {
        Exception first = null;
        for (AutoCloseable c : connections) {
            try {
                c.close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
