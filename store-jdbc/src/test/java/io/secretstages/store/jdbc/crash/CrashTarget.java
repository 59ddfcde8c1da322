package io.secretstages.store.jdbc.crash;

import java.io.IOException;

/** A database under the crash harness: where the workload connects, how a crash is dealt, what checks its indexes. */
interface CrashTarget {
    /** @return a short name for reports */
    String name();

    /** @return the JDBC URL the workload and the checks use */
    String url();

    default String user() {
        return "";
    }

    default String password() {
        return "";
    }

    /** @return whether the URL is an H2 one that delays writes (the workload then opts in to accept it) */
    default boolean delayedWrites() {
        return false;
    }

    IndexAudit audit();

    /**
     * Deals the crash while the workload runs. The default kills the workload's JVM (SIGKILL).
     *
     * @param workload the workload's process
     */
    default void crash(Process workload) throws IOException, InterruptedException {
        workload.destroyForcibly();
    }

    /** Called after the workload is gone, before the checks: a killed server is restarted here. */
    default void recover() throws IOException {
    }
}
