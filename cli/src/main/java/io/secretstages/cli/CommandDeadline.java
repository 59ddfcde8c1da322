package io.secretstages.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The backstop of {@code --timeout}: a command on the database that has not finished shortly after its timeout
 * (a driver that ignores the JDBC timeouts, such as H2's TCP client while it logs in, or a retry loop) reports it and
 * exits with {@link Stagectl#STORE_FAILED}. The JDBC timeouts (those of store-jdbc's {@code DriverManagerDataSource}
 * and the store's own) fire first in every other case and end the command cleanly; this only ends a process that
 * would otherwise wait without end.
 */
final class CommandDeadline {
    /** Time for the JDBC timeouts to end the command cleanly before the backstop does. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private CommandDeadline() {
    }

    /**
     * Starts the backstop for this process's command.
     *
     * @param timeout the {@code --timeout}
     * @param database the database or cluster, redacted, for the message
     * @param json whether errors are printed as the provider's JSON
     * @param err where errors go
     */
    static void start(Duration timeout, String database, boolean json, PrintWriter err) {
        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(timeout.plus(GRACE).toMillis());
            } catch (InterruptedException e) {
                return;
            }
            String message = "timed out after " + DurationConverter.format(timeout) + " (--timeout) on "
                    + database + "; a change, if this command makes one, may or may not have been applied";
            err.println(json ? "{\"error_code\":\"CSMS.0001\",\"error_msg\":" + Json.string(message) + "}"
                    : "error: " + message);
            err.flush();
            Thread halt = new Thread(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(GRACE.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                Runtime.getRuntime().halt(Stagectl.STORE_FAILED);
            }, "stagectl-halt");
            halt.setDaemon(true);
            halt.start();
            // exit runs the drivers' shutdown hooks (H2 closes its file); halt if one of them hangs too
            System.exit(Stagectl.STORE_FAILED);
        }, "stagectl-deadline");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
