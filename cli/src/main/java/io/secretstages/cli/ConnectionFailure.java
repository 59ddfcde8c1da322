package io.secretstages.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a failure to reach the database into one line that names its cause (a refused connection, an unknown host,
 * a timeout, bad credentials, an H2 file in use by another process, a database that does not exist, a bad URL
 * setting), found by walking the exception's cause chain. Messages name the database by its redacted URL or file,
 * never the password.
 */
final class ConnectionFailure {
    private static final int H2_DATABASE_NOT_FOUND_WITH_IF_EXISTS = 90146;
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private static final List<Integer> H2_BAD_URL = List.of(
            90011, // a relative path without ./
            90046, // URL format error
            90066, // a setting given twice
            90113); // unsupported setting

    /**
     * What stagectl tried to open.
     *
     * @param url the URL as the user gave it (before stagectl added IFEXISTS), for messages
     * @param user the user, or null
     * @param password the password, or null (only to scrub it from driver messages)
     * @param timeout the {@code --timeout}
     * @param initSchemaCommand the command line that creates the database and its schema
     */
    record Target(JdbcUrl url, String user, String password, Duration timeout, String initSchemaCommand) {
        /** @return the target without its password */
        @Override
        public String toString() {
            return "Target[" + url + ", user " + user + "]";
        }
    }

    private ConnectionFailure() {
    }

    /**
     * @param e the failure to connect (or to read the database's metadata)
     * @param target what stagectl tried to open
     * @return the failure to report: a usage error for a bad URL setting, else a store failure
     */
    static CliFailure describe(SQLException e, Target target) {
        List<Throwable> chain = chain(e);
        String database = target.url().databaseFile().map(Object::toString)
                .orElse(target.url().redacted());
        if (target.url().isH2() && hasErrorCode(chain, H2_DATABASE_NOT_FOUND_WITH_IF_EXISTS)) {
            return CliFailure.store("no database at " + database + " (only init-schema creates one): run `"
                    + target.initSchemaCommand() + "` first");
        }
        if (target.url().isH2() && (hasErrorCode(chain, H2_DATABASE_ALREADY_OPEN)
                || chain.stream().anyMatch(t -> String.valueOf(t.getMessage()).contains("file is locked")))) {
            return CliFailure.store("the H2 database " + database + " is in use by another process (H2 opens a file"
                    + " from one process at a time): stop that process, or open the database with ;AUTO_SERVER=TRUE"
                    + " in every process");
        }
        if (sqlState(chain).startsWith("28")) {
            String who = target.user() == null ? "the default user" : "user '" + target.user() + "'";
            return CliFailure.store("authentication failed for " + who + " on " + target.url().redacted()
                    + (target.password() == null ? " (no password given: set " + PasswordSource.ENVIRONMENT_VARIABLE
                    + " or use --password-file)" : " (wrong user or password)"));
        }
        Optional<String> cause = knownCause(chain, target.url(), target.timeout());
        if (cause.isPresent()) {
            return CliFailure.store(cause.get());
        }
        if (target.url().isPostgresql() && "3D000".equals(sqlState(chain))) {
            return CliFailure.store("the database in " + target.url().redacted() + " does not exist: create it (CREATE "
                    + "DATABASE), then run `" + target.initSchemaCommand() + "`");
        }
        if (target.url().isH2() && chain.stream().anyMatch(t -> t instanceof SQLException s
                && H2_BAD_URL.contains(s.getErrorCode()))) {
            return CliFailure.usage("bad JDBC URL " + target.url().redacted() + ": " + driverMessage(e, target));
        }
        return CliFailure.store("cannot connect to " + target.url().redacted() + ": " + driverMessage(e, target));
    }

    /**
     * @param failure a failure of a command on an open database (the cause of a STORE_FAILURE)
     * @param url the database
     * @param timeout the {@code --timeout}
     * @return the cause in one line if it is one stagectl recognises (a timeout, a lost or refused connection);
     *         never the driver's own message, which may quote SQL data
     */
    static Optional<String> knownCause(Throwable failure, JdbcUrl url, Duration timeout) {
        return knownCause(chain(failure), url, timeout);
    }

    private static Optional<String> knownCause(List<Throwable> chain, JdbcUrl url, Duration timeout) {
        if (chain.stream().anyMatch(t -> t instanceof UnknownHostException)) {
            return Optional.of("unknown host in " + url.redacted());
        }
        if (chain.stream().anyMatch(t -> t instanceof ConnectException)) {
            return Optional.of("connection refused by " + url.server() + ": is the database server running? ("
                    + url.redacted() + ")");
        }
        boolean timedOut = chain.stream().anyMatch(t -> t instanceof SocketTimeoutException
                || t instanceof SQLTimeoutException
                || t instanceof SQLException s && "57014".equals(s.getSQLState())
                || t instanceof SQLException s && "08001".equals(s.getSQLState())
                        && String.valueOf(s.getMessage()).contains("timed out"));
        if (timedOut) {
            return Optional.of("timed out after " + DurationConverter.format(timeout) + " (--timeout) on "
                    + url.redacted());
        }
        return Optional.empty();
    }

    /** @return whether the database refused the login (SQLState class 28) */
    static boolean isAuthenticationFailure(SQLException e) {
        return sqlState(chain(e)).startsWith("28");
    }

    private static List<Throwable> chain(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && chain.size() < 32 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static boolean hasErrorCode(List<Throwable> chain, int code) {
        return chain.stream().anyMatch(t -> t instanceof SQLException s && s.getErrorCode() == code);
    }

    /** @return the SQLState of the first SQLException in the chain that has one, or "" */
    private static String sqlState(List<Throwable> chain) {
        return chain.stream().filter(t -> t instanceof SQLException s && s.getSQLState() != null)
                .map(t -> ((SQLException) t).getSQLState()).findFirst().orElse("");
    }

    /** The driver's own words, without H2's error-code suffix, any password, or a line break. */
    private static String driverMessage(SQLException e, Target target) {
        String message = String.valueOf(e.getMessage()).replaceAll("\\s*\\[\\d+-\\d+]\\s*$", "")
                .replaceAll("\\s+", " ").trim();
        message = JdbcUrl.redact(message);
        if (target.password() != null && !target.password().isEmpty()) {
            message = message.replace(target.password(), "***");
        }
        return message + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
    }
}
